"""Pure numpy models of the dynamics the course documents argue about.

One module per idea; no widgets, no altair, no I/O. Every public function validates its
inputs and raises ``ValueError`` naming the parameter, its value and the allowed range.
"""
