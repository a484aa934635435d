"""The django-ninja API at /api/v1/, assembled from each app's router."""
