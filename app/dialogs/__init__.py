"""Dialogs of the main window: the standard questions (save changes? restore a recovery
copy?), file choosers, and the keyboard shortcut reference."""
