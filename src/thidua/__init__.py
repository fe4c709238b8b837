"""thidua: emulation and commendation work for Vietnamese public administration."""
