"""Program 3, new energy: the pure computational core (dispatch, tariffs, carbon, resource) and its CLI."""
