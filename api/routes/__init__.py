"""HTTP routes, one module per subject; each handler validates, makes one service call, answers."""
