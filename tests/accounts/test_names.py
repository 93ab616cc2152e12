"""The public-name policy (accounts/names.py): pure, no database."""

import pytest

from accounts.names import reserved_word_problem, skeleton, staff_name_problem


class TestSkeleton:
    @pytest.mark.parametrize(
        "other",
        [
            "jean pierre",  # case, hyphen
            "JEAN-PIERRE",
            "Jéan-Piérre",  # accents
            "Jean  -  Pierre",  # spaces
            "Ｊｅａｎ－Ｐｉｅｒｒｅ",  # full-width forms (NFKC)
            "Jean\u200b-Pierre",  # zero-width space
            "JΕΑΝ-PIERRE",  # Greek capitals Epsilon, Alpha, Nu
            "Jеаn-Piеrrе",  # Cyrillic е and а
            "Jean-P1erre",  # digit one for i
        ],
    )
    def test_names_a_reader_would_confuse_share_a_skeleton(self, other):
        assert skeleton(other) == skeleton("Jean-Pierre")

    def test_capital_i_and_small_l(self):
        assert skeleton("Iris") == skeleton("lris")

    def test_rn_and_m(self):
        assert skeleton("Rnarie") == skeleton("Marie")

    @pytest.mark.parametrize("other", ["Jean-Paul", "Jeanne Pierre", "Pierre Jean"])
    def test_different_names_stay_different(self, other):
        assert skeleton(other) != skeleton("Jean-Pierre")


class TestReservedWords:
    @pytest.mark.parametrize(
        "name",
        ["Modérateur", "La modératrice", "MODERATOR", "admin", "L’administrateur", "Causerie", "C.a.u.s.e.r.i.e"]
        + ["Αdmin"],  # Greek capital alpha
    )
    def test_names_that_pass_for_the_team_are_refused(self, name):
        problem = reserved_word_problem(name)
        assert problem is not None
        assert "modérateur" in str(problem)

    @pytest.mark.parametrize("name", ["Badminton", "Claire Lectrice", "Modeste", "Jean Adam"])
    def test_ordinary_names_pass(self, name):
        assert reserved_word_problem(name) is None


class TestStaffNames:
    def test_a_name_containing_a_staff_name_is_refused(self):
        assert staff_name_problem("Mina Modératrice (la vraie)", ["Mina Modératrice"]) is not None
        assert staff_name_problem("mina-modératrice", ["Mina Modératrice"]) is not None

    def test_short_staff_names_do_not_block_everyone(self):
        assert staff_name_problem("Albert", ["Al"]) is None

    def test_an_unrelated_name_passes(self):
        assert staff_name_problem("Claire", ["Mina Modératrice"]) is None
