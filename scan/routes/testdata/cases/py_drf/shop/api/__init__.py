from .tags import TagViewSet

__all__ = ["TagViewSet"]
