"""Live training in the app: the worker thread that runs the engine's `Trainer`, the
controller the views listen to, the training dock, and the live views (`views/`).
Nothing here imports torch at import time: the first window paints without it.
"""
