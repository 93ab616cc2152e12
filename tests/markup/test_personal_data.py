import random
import re
from itertools import pairwise, product

import pytest

from markup.personal_data import Finding, find_personal_data, is_valid_iban, luhn_ok, mask_personal_data

KNOWN_IBANS = ["FR1420041010050500013M02606", "DE89370400440532013000", "GB82WEST12345698765432", "BE68539007547034"]
COUNTRY_LENGTHS = {
    "FR": 27,
    "MC": 27,
    "DE": 22,
    "BE": 16,
    "ES": 24,
    "IT": 27,
    "LU": 20,
    "CH": 21,
    "GB": 22,
    "NL": 18,
    "PT": 25,
    "IE": 22,
}
BANK_CODES = {"GB": "WEST", "NL": "ABNA", "IE": "AIBK", "IT": "X"}  # these countries' BBANs start with letters
CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005"]


def check_digits(country: str, bban: str) -> int:
    rearranged = f"{bban}{country}00".upper()
    return 98 - int("".join(str(int(character, 36)) for character in rearranged)) % 97


def make_iban(country: str, bban: str) -> str:
    """An IBAN with correct check digits, whatever its length."""
    return f"{country}{check_digits(country, bban):02d}{bban}"


def with_national_check(country: str, bban: str) -> str:
    """The BBAN with the national check digits of Belgium and Spain (computed here, not by the code under test)."""
    if country == "BE":  # the account's last two digits: the first ten mod 97
        return f"{bban[:10]}{int(bban[:10]) % 97 or 97:02d}"
    if country == "ES":  # the CCC: one digit over the bank and branch, one over the account, weights 2**i mod 11

        def ccc_digit(digits: str) -> str:
            check = 11 - sum(int(digit) * 2**i for i, digit in enumerate(digits)) % 11
            return str({11: 0, 10: 1}.get(check, check))

        return f"{bban[:8]}{ccc_digit('00' + bban[:8])}{ccc_digit(bban[10:])}{bban[10:]}"
    return bban


def random_iban(rng: random.Random, country: str) -> str:
    bank = BANK_CODES.get(country, "")
    digits = "".join(rng.choice("0123456789") for _ in range(COUNTRY_LENGTHS[country] - 4 - len(bank)))
    return make_iban(country, with_national_check(country, bank + digits))


def grouped(value: str, separator: str = " ") -> str:
    return separator.join(value[i : i + 4] for i in range(0, len(value), 4))


def with_luhn_digit(partial: str) -> str:
    """The partial number completed by its Luhn check digit (computed here, not by the code under test)."""
    total = 0
    for position, character in enumerate(reversed(partial)):
        digit = int(character) * (2 if position % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return partial + str(-total % 10)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_personal_data(text)]


def iban_mask(iban: str) -> str:
    compact = re.sub(r"\s", "", iban).upper()
    return f"{compact[:4]} **** … {compact[-4:]}"


class TestIsValidIban:
    @pytest.mark.parametrize("iban", KNOWN_IBANS)
    def test_well_known_examples_are_valid(self, iban):
        assert is_valid_iban(iban)

    @pytest.mark.parametrize("country", COUNTRY_LENGTHS)
    def test_generated_ibans_are_valid(self, country):
        rng = random.Random(country)
        for _ in range(5):
            iban = random_iban(rng, country)
            assert len(iban) == COUNTRY_LENGTHS[country]
            assert is_valid_iban(iban), iban

    @pytest.mark.parametrize("country", COUNTRY_LENGTHS)
    def test_wrong_length_for_the_country_is_invalid_even_with_right_check_digits(self, country):
        bban = random_iban(random.Random(country), country)[4:]
        assert not is_valid_iban(make_iban(country, bban + "0"))
        assert not is_valid_iban(make_iban(country, bban[:-1]))

    def test_unlisted_countries_take_15_to_34_characters(self):
        assert is_valid_iban(make_iban("ZZ", "1" * 11))
        assert is_valid_iban(make_iban("ZZ", "1" * 30))
        assert not is_valid_iban(make_iban("ZZ", "1" * 10))
        assert not is_valid_iban(make_iban("ZZ", "1" * 31))

    @pytest.mark.parametrize("iban", KNOWN_IBANS)
    def test_any_single_character_changed_is_invalid(self, iban):
        for position in range(2, len(iban)):
            for replacement in "0123456789":
                changed = iban[:position] + replacement + iban[position + 1 :]
                if changed != iban:
                    assert not is_valid_iban(changed), changed

    def test_spaces_and_case_do_not_matter(self):
        assert is_valid_iban("FR14 2004 1010 0505 0001 3M02 606")
        assert is_valid_iban("fr14 2004 1010 0505 0001 3m02 606")
        assert is_valid_iban("FR14\u00a02004\u00a01010\u00a00505\u00a00001\u00a03M02\u00a0606")

    def test_check_digits_outside_02_to_98_are_invalid_even_when_mod_97_passes(self):
        # 02 and 99 (or 97 and 00, 98 and 01) leave the same remainder: only the first of each pair is valid.
        bbans = (f"{n:023d}" for n in range(10**6))
        found = {}
        for bban in bbans:
            digits = check_digits("FR", bban)
            if digits in (2, 97, 98) and digits not in found:
                found[digits] = bban
            if len(found) == 3:
                break
        for valid, invalid in ((2, "99"), (97, "00"), (98, "01")):
            assert is_valid_iban(f"FR{valid:02d}{found[valid]}")
            assert not is_valid_iban(f"FR{invalid}{found[valid]}")

    @pytest.mark.parametrize(
        "value", ["", "FR", "FR14", "1420041010050500013M02606FR", "FR1A20041010050500013M02606", "FR14-2004-1010-0505"]
    )
    def test_malformed_values_are_invalid(self, value):
        assert not is_valid_iban(value)


class TestNationalRules:
    """What python-stdnum adds to ISO 13616: each country's BBAN format and, for a few, national check digits."""

    @pytest.mark.parametrize(
        "iban",
        [
            "DE89370400440532013000",  # Germany: 8 digits of bank code, 10 of account
            "BE71096123456769",  # Belgium: the account's last two digits are the first ten mod 97
            "ES9121000418450200051332",  # Spain: the CCC's two check digits
            "ES7921000813610123456789",
            "IT60X0542811101000000123456",  # Italy: the CIN letter first
            "CH9300762011623852957",
            "NO9386011117947",  # Norway: the account's mod-11 digit
        ],
    )
    def test_real_foreign_ibans_are_found_and_masked(self, iban):
        assert is_valid_iban(iban)
        assert mask_personal_data(f"Virement sur {grouped(iban)}.") == f"Virement sur {iban_mask(iban)}."

    @pytest.mark.parametrize(
        ("country", "bban"),
        [
            ("BE", "096123456768"),  # 0961234567 mod 97 is 69, not 68
            ("ES", "21000418460200051332"),  # the CCC's first check digit is 4, not 6
            ("ES", "21000418450200051333"),  # the account changed: its check digit no longer matches
            ("NO", "86011117948"),
        ],
    )
    def test_a_wrong_national_check_digit_is_just_text_even_with_right_iban_check_digits(self, country, bban):
        iban = make_iban(country, bban)
        assert not is_valid_iban(iban)
        assert find_personal_data(f"IBAN {iban} et {grouped(iban)}") == []

    @pytest.mark.parametrize(
        ("country", "bban"),
        [
            ("DE", "37040044053201300A"),  # digits only
            ("GB", "123412345698765432"),  # a four-letter bank code first
            ("IT", "10542811101000000123456"),  # the CIN letter first
            ("FR", "20041010050500013M026AB"),  # the RIB key is two digits
        ],
    )
    def test_a_bban_in_the_wrong_format_is_just_text_even_with_right_check_digits(self, country, bban):
        iban = make_iban(country, bban)
        assert len(iban) == COUNTRY_LENGTHS[country]
        assert not is_valid_iban(iban)
        assert find_personal_data(f"IBAN {iban}") == []

    def test_a_bank_code_missing_from_stdnums_directory_still_makes_an_iban(self):
        # SWIFT's own Belgian example: bank code 539 is not in stdnum's list of Belgian banks, the checks pass.
        assert kinds("IBAN BE68 5390 0754 7034") == ["iban"]


class TestLuhnOk:
    @pytest.mark.parametrize("digits", ["4111111111111111", "5555555555554444", "378282246310005", "79927398713"])
    def test_valid_numbers(self, digits):
        assert luhn_ok(digits)

    def test_any_single_digit_changed_is_invalid(self):
        number = "4111111111111111"
        for position in range(len(number)):
            for replacement in "0123456789":
                changed = number[:position] + replacement + number[position + 1 :]
                if changed != number:
                    assert not luhn_ok(changed), changed

    @pytest.mark.parametrize("value", ["", "4111 1111 1111 1111", "4111-1111-1111-1111", "abc", "４１１１"])
    def test_only_plain_ascii_digits_are_checked(self, value):
        assert not luhn_ok(value)


class TestIbans:
    @pytest.mark.parametrize("iban", KNOWN_IBANS)
    @pytest.mark.parametrize(
        "form",
        [
            lambda iban: iban,
            lambda iban: grouped(iban),
            lambda iban: grouped(iban).lower(),
            lambda iban: iban.lower(),
            lambda iban: grouped(iban, "\u00a0"),
            lambda iban: grouped(iban, "\u202f"),
        ],
        ids=[
            "compact",
            "grouped",
            "grouped-lowercase",
            "compact-lowercase",
            "no-break-spaces",
            "narrow-no-break-spaces",
        ],
    )
    def test_found_and_masked_in_every_written_form(self, iban, form):
        written = form(iban)
        text = f"Mon IBAN : {written}, merci."
        assert find_personal_data(text) == [Finding("iban", 11, 11 + len(written), written)]
        assert mask_personal_data(text) == f"Mon IBAN : {iban[:4]} **** … {iban[-4:]}, merci."

    def test_mask_format(self):
        assert mask_personal_data("fr14 2004 1010 0505 0001 3m02 606") == "FR14 **** … 2606"

    @pytest.mark.parametrize("country", COUNTRY_LENGTHS)
    def test_generated_ibans_are_found_compact_and_grouped(self, country):
        rng = random.Random(f"find-{country}")
        for _ in range(5):
            iban = random_iban(rng, country)
            for written in (iban, grouped(iban)):
                assert find_personal_data(f"IBAN {written}.") == [Finding("iban", 5, 5 + len(written), written)]

    @pytest.mark.parametrize("iban", KNOWN_IBANS)
    def test_one_digit_changed_is_just_text(self, iban):
        last_digit = max(i for i, character in enumerate(iban) if character.isdigit())
        changed = iban[:last_digit] + str((int(iban[last_digit]) + 1) % 10) + iban[last_digit + 1 :]
        for written in (changed, grouped(changed)):
            text = f"Mon IBAN : {written}"
            assert find_personal_data(text) == []
            assert mask_personal_data(text) == text

    def test_a_following_four_letter_word_is_not_taken_for_a_group(self):
        assert find_personal_data("BE68 5390 0754 7034 pour le loyer") == [
            Finding("iban", 0, 19, "BE68 5390 0754 7034")
        ]

    def test_groups_shorter_than_four_are_read_too(self):
        assert kinds("DE89 3704 0044 0532 013 000") == ["iban"]

    def test_for_an_unlisted_country_the_longest_valid_reading_wins(self):
        bban = "123456789012"
        suffix = next(
            f"{n:04d}" for n in range(10_000) if check_digits("ZZ", bban + f"{n:04d}") == check_digits("ZZ", bban)
        )
        longer = make_iban("ZZ", bban + suffix)
        assert is_valid_iban(longer[:-4])
        assert find_personal_data(f"IBAN {grouped(longer)}") == [
            Finding("iban", 5, 5 + len(grouped(longer)), grouped(longer))
        ]

    def test_a_word_longer_than_four_letters_ends_a_grouped_iban(self):
        # "rn13 puis la ?????" would pass as an IBAN of an unlisted country if words of any length were groups.
        word = next(
            "".join(letters)
            for letters in product("abcdefghij", repeat=5)
            if is_valid_iban("RN13PUISLA" + "".join(letters))
        )
        assert find_personal_data(f"la RN13 puis la {word} de Caen") == []

    def test_two_ibans_in_a_row(self):
        text = "DE89370400440532013000 GB82WEST12345698765432"
        assert mask_personal_data(text) == "DE89 **** … 3000 GB82 **** … 5432"

    def test_glued_to_a_word_it_is_not_an_iban(self):
        assert find_personal_data("réfFR1420041010050500013M02606") == []


class TestCards:
    @pytest.mark.parametrize("card", CARDS)
    def test_found_and_masked(self, card):
        text = f"Ma carte : {card}."
        assert find_personal_data(text) == [Finding("card", 11, 11 + len(card), card)]
        assert mask_personal_data(text) == f"Ma carte : **** **** **** {card[-4:]}."

    @pytest.mark.parametrize(
        "card",
        ["4111111111111111", "5555 5555 5555 4444", "4111.1111.1111.1111", "3782 822463 10005", "3056 930902 5904"],
    )
    def test_other_groupings(self, card):
        assert kinds(card) == ["card"]

    @pytest.mark.parametrize("card", CARDS)
    def test_luhn_invalid_numbers_are_not_reported(self, card):
        wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
        assert find_personal_data(f"Ma carte : {wrong}.") == []

    @pytest.mark.parametrize(
        "text",
        [
            "Commande 41111111111111110000",  # 20 digits
            "Commande 4111 1111 1111 1111 2222",
            "Commande 12 4111 1111 1111 1111",
            "Commande 12-4111-1111-1111-1111",
        ],
    )
    def test_not_reported_inside_a_longer_run_of_digits(self, text):
        assert find_personal_data(text) == []

    @pytest.mark.parametrize(
        "text", ["4111 1111-1111 1111", "41111 1111 1111 111", "4111 1111 11111111", "411 111 111 111 111 1"]
    )
    def test_unusual_groupings_are_not_card_numbers(self, text):
        assert re.sub(r"\D", "", text) == "4111111111111111"
        assert find_personal_data(text) == []

    def test_not_reported_glued_to_letters(self):
        assert find_personal_data("réf4111111111111111") == []

    def test_markdown_around_a_card_is_kept(self):
        assert mask_personal_data("**4111 1111 1111 1111**") == "****** **** **** 1111**"


class TestPhones:
    @pytest.mark.parametrize(
        ("written", "mask"),
        [
            ("06 12 34 56 78", "06 ** ** ** 78"),
            ("06.12.34.56.78", "06 ** ** ** 78"),
            ("06-12-34-56-78", "06 ** ** ** 78"),
            ("0612345678", "06 ** ** ** 78"),
            ("06\u00a012\u00a034\u00a056\u00a078", "06 ** ** ** 78"),
            ("01 23 45 67 89", "01 ** ** ** 89"),
            ("09 87 65 43 21", "09 ** ** ** 21"),
            ("06 1234 5678", "06 ** ** ** 78"),
            ("+33 6 12 34 56 78", "+33 6 ** ** ** 78"),
            ("+33612345678", "+33 6 ** ** ** 78"),
            ("+33 (0)1 23 45 67 89", "+33 1 ** ** ** 89"),
            ("+33 (0)6 12 34 56 78", "+33 6 ** ** ** 78"),
            ("0033 6 12 34 56 78", "+33 6 ** ** ** 78"),
            ("+33 06 12 34 56 78", "+33 6 ** ** ** 78"),
            ("+33 612 345 678", "+33 6 ** ** ** 78"),
        ],
    )
    def test_forms_are_found_and_masked(self, written, mask):
        text = f"Appelez-moi au {written} après 18h."
        assert find_personal_data(text) == [Finding("phone", 15, 15 + len(written), written)]
        assert mask_personal_data(text) == f"Appelez-moi au {mask} après 18h."

    def test_abbreviation_glued_with_a_dot(self):
        assert mask_personal_data("Tél.06 12 34 56 78") == "Tél.06 ** ** ** 78"

    @pytest.mark.parametrize(
        "text",
        [
            "Dossier n° 33061234567812",
            "Référence 0612345678901",
            "Référence 90612345678",
            "Suivi 06 12 34 56 78 90",
            "Suivi 33 06 12 34 56 78",
        ],
    )
    def test_not_reported_inside_a_longer_number(self, text):
        digits = re.sub(r"\D", "", text)
        assert not (13 <= len(digits) <= 19 and luhn_ok(digits))  # not a card either
        assert find_personal_data(text) == []

    @pytest.mark.parametrize(
        "text",
        [
            "Ouvert le 20/09/2014.",
            "Ouvert le 2014-09-20.",
            "Ouvert le 20.09.2014.",
            "Un découvert de 1 234 567 € !",
            "Un découvert de 1\u202f234\u202f567,89 €.",
            "Frais : 12,50 € le 01/02/2003 à 10:30",
            "00 12 34 56 78",
            "+33 0 12 34 56 78",
            "06 12.34 56 78",
        ],
    )
    def test_dates_amounts_and_malformed_numbers_are_not_reported(self, text):
        assert find_personal_data(text) == []


class TestInternationalPhones:
    @pytest.mark.parametrize(
        ("written", "mask"),
        [
            ("+33 6 12 34 56 78", "+33 6 ** ** ** 78"),
            ("0033 1 23 45 67 89", "+33 1 ** ** ** 89"),
            ("0033 (0)1 23 45 67 89", "+33 1 ** ** ** 89"),
            ("+32 470 12 34 56", "+32 4 ** ** ** 56"),  # a Belgian mobile
            ("+32470123456", "+32 4 ** ** ** 56"),
            ("0032 2 555 12 12", "+32 2 ** ** ** 12"),  # Brussels
            ("+41 79 123 45 67", "+41 7 ** ** ** 67"),  # a Swiss mobile
            ("+41 (0)44 668 18 00", "+41 4 ** ** ** 00"),  # Zurich
            ("0041.44.668.18.00", "+41 4 ** ** ** 00"),
            ("+39 06 1234 5678", "+39 0 ** ** ** 78"),  # Rome keeps its 0 after the country code
        ],
    )
    def test_found_and_masked(self, written, mask):
        text = f"Joignable au {written} en semaine."
        assert find_personal_data(text) == [Finding("phone", 13, 13 + len(written), written)]
        assert mask_personal_data(text) == f"Joignable au {mask} en semaine."

    @pytest.mark.parametrize(
        "text",
        [
            "Appelez le +32 12 34",  # too short for Belgium
            "Appelez le +41 79 123 45 678",  # too long for Switzerland
            "Appelez le +41 79 123.45 67",
            "Appelez le 07 10 86 58 35",  # 07 10 is not allocated in France
            "Appelez le +33 4 00 00 00 00",  # nor 04 00
        ],
    )
    def test_invalid_numbers_are_not_reported(self, text):
        assert find_personal_data(text) == []

    def test_after_a_plus_a_card_is_still_a_card(self):
        assert kinds("+4111 1111 1111 1111") == ["card"]
        assert kinds(grouped(with_luhn_digit("003312345678901"))) == ["card"]

    def test_masking_twice_changes_nothing(self):
        text = "+32 470 12 34 56, 0041 79 123 45 67 et +39 06 1234 5678"
        masked = mask_personal_data(text)
        assert masked == "+32 4 ** ** ** 56, +41 7 ** ** ** 67 et +39 0 ** ** ** 78"
        assert find_personal_data(masked) == []


class TestFrenchProse:
    """Numbers in French prose that are not phone numbers (nor cards)."""

    @pytest.mark.parametrize(
        "text",
        [
            "Rendez-vous le 12/03/2024 à 14h30.",
            "Du 12.03.2024 au 15.03.2024, puis le 2024-03-18.",
            "Entre 1999 et 2024, trois fusions.",
            "Un prêt de 1 500 000 € sur 25 ans.",
            "Un prêt de 1\u202f500\u202f000\u00a0€, soit 1.500.000 €.",
            "Commande n° 123456789 expédiée le 03/04.",
            "Commande n° 2024-000123-45, facture 20240312.",
            "Agence du 12 rue Oberkampf, 75011 Paris.",
            "Les frais ont augmenté de +33 % en 2023.",
            "Cotisation : 12,50 € par mois, 150 € par an.",
            "Le décret n° 2024-1234 du 12 mars 2024.",
            "ISBN 978-2-07-036822-8",
        ],
    )
    def test_not_reported(self, text):
        assert find_personal_data(text) == []


class TestEmails:
    def test_found_and_masked(self):
        text = "Écrivez à jeanne.dupont@example.org."
        assert find_personal_data(text) == [Finding("email", 10, 35, "jeanne.dupont@example.org")]
        assert mask_personal_data(text) == "Écrivez à j***@example.org."

    @pytest.mark.parametrize(
        ("text", "masked"),
        [
            ("paul+banque@mail.example.co.uk", "p***@mail.example.co.uk"),
            ("j@x.fr", "j***@x.fr"),
            ("MARIE_1990@Example.ORG", "M***@Example.ORG"),
            ("[écrire](mailto:jeanne@example.org)", "[écrire](mailto:j***@example.org)"),
            ("https://x.org/profil/jeanne@example.org", "https://x.org/profil/j***@example.org"),
        ],
    )
    def test_addresses_are_masked_wherever_they_are(self, text, masked):
        assert mask_personal_data(text) == masked

    @pytest.mark.parametrize(
        "text",
        [
            "https://x.org/a@b",
            "https://medium.com/@jeanne/mon-article",
            "jeanne@localhost",
            "jeanne @ example.org",
            "Suivez @jeanne@mastodon.social",  # a fediverse handle, published on purpose
        ],
    )
    def test_what_is_not_an_address_is_left_alone(self, text):
        assert find_personal_data(text) == []


class TestPriority:
    def test_iban_before_card(self):
        account = with_luhn_digit("1234569876543")
        iban = grouped(make_iban("GB", f"WEST{account}"))
        assert kinds(grouped(account)) == ["card"]  # on its own, the end of this IBAN is a card number
        assert kinds(f"IBAN {iban}") == ["iban"]

    def test_iban_before_email(self):
        assert kinds("FR1420041010050500013M02606@example.org") == ["iban"]

    def test_card_before_phone(self):
        card = with_luhn_digit("061234567812345")
        assert kinds(card) == ["card"]
        assert kinds(card[:-1] + str((int(card[-1]) + 1) % 10)) == []  # and not a phone in a longer number

    def test_phone_before_email(self):
        assert kinds("0612345678@sfr.fr") == ["phone"]
        assert mask_personal_data("0612345678@sfr.fr") == "06 ** ** ** 78@sfr.fr"

    def test_findings_are_sorted_and_never_overlap(self):
        text = "j@x.fr 06 12 34 56 78 4111 1111 1111 1111 FR1420041010050500013M02606 0612345678.jeanne@x.org"
        findings = find_personal_data(text)
        assert [finding.kind for finding in findings] == ["email", "phone", "card", "iban", "phone", "email"]
        assert all(a.end <= b.start for a, b in pairwise(findings))
        assert all(text[finding.start : finding.end] == finding.text for finding in findings)


class TestMasking:
    def test_text_without_personal_data_is_returned_as_is(self):
        text = "Bonjour,\n\n> citation\n\n- un point\n- **gras** et *italique*  \nfin"
        assert mask_personal_data(text) == text

    def test_markdown_around_findings_is_untouched(self):
        text = "**gras** FR1420041010050500013M02606 [lien](https://x.org)"
        assert mask_personal_data(text) == "**gras** FR14 **** … 2606 [lien](https://x.org)"

    def test_line_breaks_and_spacing_are_untouched(self):
        text = (
            "Mon IBAN :\n  FR14 2004 1010 0505 0001 3M02 606\n\n* carte :\t4111-1111-1111-1111  \n"
            "* tél. (06 12 34 56 78)\r\n"
        )
        assert mask_personal_data(text) == (
            "Mon IBAN :\n  FR14 **** … 2606\n\n* carte :\t**** **** **** 1111  \n* tél. (06 ** ** ** 78)\r\n"
        )

    @pytest.mark.parametrize(
        "text",
        [
            "FR1420041010050500013M02606 4111 1111 1111 1111 06 12 34 56 78 jeanne@example.org",
            "4111 1111 1111 1111 06 12 34 56 78",
            "FR14 2004 1010 0505 0001 3M02 606 5678 9012 3456",
            "0612345678.jeanne@x.org",
            "+33 (0)1 23 45 67 89+33 (0)1 23 45 67 89",
        ],
    )
    def test_masking_twice_changes_nothing(self, text):
        masked = mask_personal_data(text)
        assert masked != text
        assert mask_personal_data(masked) == masked

    def test_masks_already_in_the_text_are_not_personal_data(self):
        assert find_personal_data("FR76 **** … 1234, **** **** **** 1234, 06 ** ** ** 78, +33 6 ** ** ** 78") == []
        assert find_personal_data("j***@example.org") == []

    def test_a_mask_lookalike_does_not_hide_a_real_card(self):
        assert kinds("**** **** **** 4111 1111 1111 1111") == ["card"]


def realistic_secret(rng: random.Random) -> tuple[str, str, str]:
    """Some personal data as a reader would write it: (kind, as written, its mask)."""
    kind = rng.choice(["iban", "card", "phone", "email"])
    if kind == "iban":
        iban = random_iban(rng, rng.choice(list(COUNTRY_LENGTHS)))
        written = rng.choice([iban, grouped(iban), grouped(iban).lower(), grouped(iban, "\u00a0")])
        return kind, written, iban_mask(iban)
    if kind == "card":
        prefix, length, groups = rng.choice([("4", 16, [4, 4, 4, 4]), ("5", 16, [4, 4, 4, 4]), ("37", 15, [4, 6, 5])])
        digits = with_luhn_digit(prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1)))
        separator = rng.choice(["", " ", "-"])
        parts, position = [], 0
        for size in groups:
            parts.append(digits[position : position + size])
            position += size
        return kind, separator.join(parts), f"**** **** **** {digits[-4:]}"
    if kind == "phone":
        # French ranges that are allocated (libphonenumber's metadata): 07 10 ... is not, and is no phone.
        allocated = rng.choice(["1", "3", "9", "60", "61", "62", "64", "65", "66", "67", "68", "73", "75", "78"])
        national = allocated + "".join(rng.choice("0123456789") for _ in range(9 - len(allocated)))
        pairs = " ".join(national[i : i + 2] for i in range(1, 9, 2))
        written = rng.choice(
            [
                f"0{national}",
                f"0{national[0]} {pairs}",
                f"0{national[0]}.{pairs.replace(' ', '.')}",
                f"+33 {national[0]} {pairs}",
                f"+33 (0){national[0]} {pairs}",
            ]
        )
        if written.startswith("+"):
            return kind, written, f"+33 {national[0]} ** ** ** {national[-2:]}"
        return kind, written, f"0{national[0]} ** ** ** {national[-2:]}"
    local = rng.choice(["jeanne.dupont", "j", "paul+banque", "marie_1990"])
    domain = rng.choice(["example.org", "mail.example.fr", "banque.example.co.uk"])
    return kind, f"{local}@{domain}", f"{local[0]}***@{domain}"


FILLER = [
    "Bonjour",
    "merci d’avance",
    "**gras**",
    "*italique*",
    "`code`",
    "[lien](https://x.org/faq)",
    "https://banque.example/tarifs",
    "> citation",
    "le 20/09/2014",
    "2014-09-20",
    "1 234 567 €",
    "12,50 €",
    "RN13",
    "n° 12",
]
SAFE_SEPARATORS = [", ", "\n", " ; ", " — ", "\n\n", " et "]
FRAGMENTS = [
    *CARDS,
    "4111111111111111",
    "06 12 34 56 78",
    "0612345678",
    "+33 6 12 34 56 78",
    "+33 (0)1 23 45 67 89",
    "0033612345678",
    "+32 470 12 34 56",
    "0041 79 123 45 67",
    "+41 7 ** ** ** 67",
    *KNOWN_IBANS,
    "fr14 2004 1010 0505 0001 3m02 606",
    "PT50 0002 0123 1234 5678 9015 4",
    "jeanne@example.org",
    "1jean@x.org",
    "**** **** **** 1234",
    "06 ** ** ** 78",
    "FR76 **** … 1234",
    "j***@x.org",
    *"0123456789",
    *" .-+@*_\n…a\u00a0",
    "5678 9012 3456",
    "(0)",
    "x.org",
]


class TestGeneratedInputs:
    def test_generated_comments_are_masked_exactly_and_nothing_else_changes(self):
        rng = random.Random(20140920)
        for _ in range(300):
            parts, expected, secrets = [], [], []
            for _ in range(rng.randint(1, 8)):
                if rng.random() < 0.4:
                    kind, written, mask = realistic_secret(rng)
                    secrets.append((kind, written))
                else:
                    written = mask = rng.choice(FILLER)
                separator = rng.choice(SAFE_SEPARATORS)
                parts += [written, separator]
                expected += [mask, separator]
            text = "".join(parts)
            assert kinds(text) == [kind for kind, _ in secrets], text
            assert mask_personal_data(text) == "".join(expected), text

    def test_no_valid_iban_or_card_survives_masking(self):
        rng = random.Random(97)
        for _ in range(300):
            secrets = [realistic_secret(rng) for _ in range(rng.randint(1, 4))]
            text = rng.choice(SAFE_SEPARATORS).join(written for _, written, _ in secrets)
            masked = mask_personal_data(text)
            flat = re.sub(r"[\W_]", "", masked).upper()
            for kind, written, _ in secrets:
                if kind in ("iban", "card"):
                    assert re.sub(r"[\W_]", "", written).upper() not in flat, (written, masked)
            assert not any(finding.kind in ("iban", "card") for finding in find_personal_data(masked))

    def test_masking_is_idempotent_on_arbitrary_concatenations(self):
        rng = random.Random(1366)
        for _ in range(3000):
            text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 20)))
            findings = find_personal_data(text)
            assert all(text[finding.start : finding.end] == finding.text for finding in findings), text
            assert all(a.end <= b.start for a, b in pairwise(findings)), text
            masked = mask_personal_data(text)
            assert find_personal_data(masked) == [], (text, masked)
            assert mask_personal_data(masked) == masked, text
