"""`python -m graph_core.training.fast [--dtype float32]`: compile the fast path's
kernels into the user cache ahead of time (the app and the Trainer then load them)."""

import sys

from graph_core.training.fast.compiler import main

if __name__ == "__main__":  # tools that import every module must not run it
    sys.exit(main())
