from rest_framework.routers import DefaultRouter

from .api import TagViewSet
from .api.tags import CouponViewSet
from .api.labels import LABEL_ROUTES


class ShopRouter(DefaultRouter):
    include_format_suffixes = False


router = ShopRouter()  # want: GET /v2/ [auth]
router.register("tags", TagViewSet)  # want: GET /v2/tags/ []; POST /v2/tags/ [auth]; GET /v2/tags/{pk}/ []; PATCH /v2/tags/{pk}/ [auth]
router.register("coupons", CouponViewSet)  # want: GET /v2/coupons/ []; POST /v2/coupons/ [auth]; GET /v2/coupons/{pk}/ [auth]; PUT /v2/coupons/{pk}/ [auth]; PATCH /v2/coupons/{pk}/ [auth]; DELETE /v2/coupons/{pk}/ [auth]

for route in LABEL_ROUTES:
    router.register(route["prefix"], route["viewset"])  # want: GET /v2/labels/ [auth]

for extra in EXTRA_VIEWSETS:
    router.register(extra["prefix"], extra["viewset"])  # unresolved: a prefix from a loop variable
