"""Guided lessons and the lenses in the window: the lesson catalogue (`catalogue`), its
side panel and start page, the resolver that points at controls, and the wiring that
feeds the lenses, the diagnosis, the timeline and the generative views from a run.
"""
