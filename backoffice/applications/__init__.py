"""Programme officers: the applications to their programmes and the decision on each."""
