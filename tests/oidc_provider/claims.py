"""What the test provider says about each person: their address, and whether it verified it."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class PeopleClaims(OAuth2Validator):
    """The ID token and the userinfo answer carry the claims the test gave each person.

    ``email_verified`` is the claim Causerie must heed: allauth reads it from the userinfo
    answer (and the ID token) to decide whether the address counts as verified.
    """

    def get_additional_claims(self, request):
        person = settings.PEOPLE[request.user.get_username()]
        return {
            "name": person["name"],
            "email": person["email"],
            "email_verified": person["email_verified"],
        }
