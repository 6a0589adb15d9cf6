"""NeuroLoom's desktop app: the Qt side of the house. It edits a `graph_core` model
through undo commands and never lets widgets change the model directly."""
