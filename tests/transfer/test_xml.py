"""The WXR reader and the safe input: namespaces, CDATA, duplicated terms, repairs, refusals, archives."""

import io
import zipfile

import pytest

from tests.transfer.wxr_builder import comment, item, wxr
from transfer.formats import wxr as reader
from transfer.formats.records import Entry
from transfer.formats.xmlinput import MAX_RATIO, ImportRefused, open_export


def read(text: str):
    warnings = []
    records = list(reader.read(io.BytesIO(text.encode()), warnings.append))
    return [r for r in records if isinstance(r, Entry)], warnings


class TestWxr:
    @pytest.mark.parametrize(
        "ns",
        ["http://wordpress.org/export/1.0/", "http://wordpress.org/export/1.1/", "https://wordpress.org/export/1.2/"],
    )
    def test_wp_namespace_matched_by_prefix(self, ns):
        entries, _ = read(wxr(item(7, comments=[comment(1)]), ns=ns))
        assert entries[0].source_id == "7" and entries[0].comments[0].author_email == "alice@example.org"

    def test_a_field_with_or_without_cdata_reads_the_same(self):
        with_cdata, _ = read(wxr(item(1, comments=[comment(1, text="Salut", cdata=True)])))
        without, _ = read(wxr(item(1, comments=[comment(1, text="Salut", cdata=False)])))
        assert with_cdata[0].comments[0].body == without[0].comments[0].body == "Salut"

    def test_wxr_1_0_terms_listed_twice_come_once(self):
        terms = (
            "<category><![CDATA[Parent]]></category>"
            '<category domain="category" nicename="parent"><![CDATA[Parent]]></category>'
            '<category domain="tag"><![CDATA[Un mot]]></category>'
            '<category domain="tag" nicename="un-mot"><![CDATA[Un mot]]></category>'
        )
        entries, _ = read(wxr(item(1, terms=terms), ns="http://wordpress.org/export/1.0/"))
        assert [(t.slug, t.name) for t in entries[0].categories] == [("parent", "Parent")]
        assert [(t.slug, t.name) for t in entries[0].tags] == [("un-mot", "Un mot")]

    def test_statuses_and_types_of_comments(self):
        comments = [
            comment(1, status="1"),
            comment(2, status="0"),
            comment(3, status="spam"),
            comment(4, status="trash"),
            comment(5, ctype="pingback"),
        ]
        entries, _ = read(wxr(item(1, comments=comments)))
        assert [(c.status, c.type) for c in entries[0].comments] == [
            ("approved", ""),
            ("pending", ""),
            ("spam", ""),
            ("rejected", ""),
            ("approved", "pingback"),
        ]

    def test_old_addresses(self):
        entries, _ = read(wxr(item(12, slug="mon-billet"), item(3, ptype="page", slug="a-propos")))
        assert entries[0].old_paths == ["/?p=12", "/2020/01/mon-billet/"]
        assert entries[1].old_paths == ["/?page_id=3", "/2020/01/a-propos/"]

    def test_attachments_and_menus_are_skipped(self):
        warnings = []
        records = list(
            reader.read(
                io.BytesIO(wxr(item(1, ptype="attachment"), item(2, ptype="nav_menu_item")).encode()), warnings.append
            )
        )
        assert [r.kind for r in records if type(r).__name__ == "Skipped"] == ["attachment", "nav_menu_item"]


class TestRepairsAndRefusals:
    def test_stray_bytes_before_the_declaration_are_removed_with_a_warning(self):
        entries, warnings = read(wxr(item(1), before="\n\n  junk"))
        assert len(entries) == 1 and "Octets parasites" in warnings[0]

    def test_unquoted_attribute_is_quoted_with_a_warning(self):
        text = wxr(item(1, terms="<category domain=category nicename=news>News</category>"))
        entries, warnings = read(text)
        assert entries[0].categories[0].slug == "news" and "guillemets" in warnings[0]

    def test_unquoted_attribute_inside_cdata_is_left_alone(self):
        entries, warnings = read(wxr(item(1, content="<img width=3 src=/a.jpg>")))
        assert "width=3" in entries[0].body and warnings == []

    def test_broken_xml_is_refused_with_line_and_column(self):
        with pytest.raises(ImportRefused, match=r"ligne \d+, colonne \d+"):
            read(wxr(item(1)).replace("</channel>", "</chanel>"))

    def test_entities_and_dtd_are_refused(self):
        text = wxr(item(1)).replace(
            '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "boom">]>'
        )
        with pytest.raises(ImportRefused, match="DTD"):
            read(text)


class TestZip:
    def make(self, tmp_path, name, data, compression=zipfile.ZIP_DEFLATED):
        path = tmp_path / "export.zip"
        with zipfile.ZipFile(path, "w", compression) as archive:
            archive.writestr(name, data)
        return path

    def test_the_xml_inside_is_read(self, tmp_path):
        path = self.make(tmp_path, "blog.wordpress.2020-01-01.xml", wxr(item(1)))
        with open_export(path) as stream:
            assert b"<rss" in stream.read()

    def test_path_traversal_is_refused(self, tmp_path):
        with pytest.raises(ImportRefused, match="chemin dangereux"):
            open_export(self.make(tmp_path, "../../etc/x.xml", wxr(item(1))))

    def test_a_bomb_is_refused(self, tmp_path):
        data = "<rss>" + " " * (MAX_RATIO * 20_000) + "</rss>"
        with pytest.raises(ImportRefused, match="compression"):
            open_export(self.make(tmp_path, "x.xml", data))
