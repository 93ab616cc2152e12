"""The shared stack's pure parts (bench/stack.py, bench/nginx.py): the environment gunicorn runs with
and the nginx configuration a run writes (checked with `nginx -t` when nginx is installed). Nothing is
started here."""

import re
import subprocess
from pathlib import Path

import pytest

from bench import nginx
from bench.stack import production_env


class TestProductionEnv:
    def test_production_settings_on_loopback_whatever_this_shell_sets(self, monkeypatch, tmp_path):
        monkeypatch.setenv("DJANGO_DEBUG", "1")
        monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.db")
        monkeypatch.setenv("COMMENTS_RATE_PER_MINUTE", "3")

        env = production_env(
            settings="bench.settings", database="causerie_x", redis_url="redis://127.0.0.1:6379/9", port=8123,
            static_root=tmp_path, COMMENTS_RATE_PER_HOUR="1000",
        )  # fmt: skip

        assert "DJANGO_DEBUG" not in env
        assert "COMMENTS_RATE_PER_MINUTE" not in env
        assert env["DATABASE_URL"] == "postgres://causerie@127.0.0.1:5432/causerie_x"
        assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
        assert env["GUNICORN_BIND"] == "127.0.0.1:8123"
        assert env["DJANGO_STATIC_ROOT"] == str(tmp_path)
        assert env["COMMENTS_RATE_PER_HOUR"] == "1000"
        assert len(env["DJANGO_SECRET_KEY"]) >= 50

    def test_each_stack_gets_its_own_secret_key(self, tmp_path):
        first, second = (
            production_env(settings="s", database="d", redis_url="r", port=1, static_root=tmp_path) for _ in range(2)
        )
        assert first["DJANGO_SECRET_KEY"] != second["DJANGO_SECRET_KEY"]


class TestNginxConfiguration:
    """bench/nginx.py runs Debian's stock nginx.conf with deploy/nginx/causerie.conf, both as they are but
    for what ties them to a server."""

    PORTS = nginx.Ports(http=19080, tls=19443, redirect=19081, app=19000)

    @pytest.fixture
    def stock(self, tmp_path):
        """Debian 12's /etc/nginx/nginx.conf (nginx-common 1.22.1), as the package ships it."""
        path = tmp_path / "stock-nginx.conf"
        path.write_text(DEBIAN_NGINX_CONF)
        return path

    def test_the_stock_conf_runs_in_the_runs_directory_and_includes_the_site_file_only(self, tmp_path, stock):
        args = nginx.configure(tmp_path / "run", ports=self.PORTS, stock=stock)

        run = tmp_path / "run" / "nginx"
        conf = (run / "nginx.conf").read_text()
        assert args[-4:] == ["-c", str(run / "nginx.conf"), "-g", "daemon off;"]
        assert f"\tinclude {run}/causerie.conf;" in conf
        assert "conf.d" not in conf.replace("# ", "") and "include /etc/nginx/sites-enabled" not in conf
        # What makes it the user's server is kept: Debian's sendfile, tcp_nopush, gzip, SSL settings.
        for line in ("sendfile on;", "tcp_nopush on;", "gzip on;", "ssl_prefer_server_ciphers on;",
                     "include /etc/nginx/mime.types;"):  # fmt: skip
            assert line in conf
        assert f"pid {run}/nginx.pid;" in conf and f"error_log {run}/error.log;" in conf
        assert f"access_log {run}/access.log causerie_bench;" in conf
        assert "/var/" not in conf and "/run/" not in conf.replace(str(run), "")
        assert conf.count("_temp_path") == 5 and (run / "cache").is_dir()

    def test_the_site_file_is_the_repositorys_on_loopback_ports_with_the_ceiling(self, tmp_path, stock):
        nginx.configure(tmp_path / "run", ports=self.PORTS, stock=stock)

        run = tmp_path / "run" / "nginx"
        site = (run / "causerie.conf").read_text()
        original = nginx.SITE_FILE.read_text()
        assert "server 127.0.0.1:19000;" in site
        assert "listen 127.0.0.1:19443 ssl http2;\n    listen 127.0.0.1:19080;" in site
        assert f"ssl_certificate     {run}/loopback.crt;" in site
        assert (run / "loopback.crt").read_text().startswith("-----BEGIN CERTIFICATE-----")
        assert f"alias {tmp_path}/run/www/post.html;" in site
        assert f"proxy_cache_path {run}/cache " in site
        assert not re.search(r"^\s*listen (?!127\.0\.0\.1:)", site, re.M)  # loopback only
        assert "letsencrypt" not in site
        # Everything else is the file as it is: its recipe, the stall's fix included, reaches the bench.
        for line in ("tcp_nopush off;", "proxy_cache causerie;", "proxy_ignore_headers Vary;", "gzip_proxied any;"):
            assert line in original and line in site
        assert r'"~(^|;)\s*(sessionid|messages)=" 1;' in site

    def test_run_by_another_user_than_root_the_workers_stay_that_user(self, tmp_path):
        kept = nginx.adapt_stock(DEBIAN_NGINX_CONF, tmp_path, keep_user=True)
        dropped = nginx.adapt_stock(DEBIAN_NGINX_CONF, tmp_path, keep_user=False)
        assert "\nuser www-data;" in "\n" + kept
        assert "user www-data;" not in dropped

    def test_a_changed_file_stops_the_run_rather_than_running_something_else(self, tmp_path, stock):
        stock.write_text(DEBIAN_NGINX_CONF.replace("include /etc/nginx/conf.d/*.conf;", ""))
        with pytest.raises(nginx.NginxConfigError, match="conf"):
            nginx.configure(tmp_path / "run", ports=self.PORTS, stock=stock)

    @pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="Debian's nginx is not installed")
    def test_nginx_accepts_the_configuration(self, tmp_path, stock):
        args = nginx.configure(tmp_path / "run", ports=self.PORTS, stock=stock)
        result = subprocess.run([args[0], "-t", *args[1:]], capture_output=True, text=True, timeout=60)  # noqa: S603
        assert result.returncode == 0, result.stderr


class TestSiteFileInTheDocs:
    def test_docs_deploy_quotes_the_site_file_as_it_is(self):
        """docs/deploy.md, section 4, shows deploy/nginx/causerie.conf whole: one text, no second copy to drift."""
        deploy = (nginx.ROOT / "docs" / "deploy.md").read_text()
        blocks = re.findall(r"```nginx\n(.*?)```", deploy, re.S)
        assert nginx.SITE_FILE.read_text() in blocks


DEBIAN_NGINX_CONF = """\
user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
include /etc/nginx/modules-enabled/*.conf;

events {
\tworker_connections 768;
\t# multi_accept on;
}

http {

\t##
\t# Basic Settings
\t##

\tsendfile on;
\ttcp_nopush on;
\ttypes_hash_max_size 2048;
\t# server_tokens off;

\t# server_names_hash_bucket_size 64;
\t# server_name_in_redirect off;

\tinclude /etc/nginx/mime.types;
\tdefault_type application/octet-stream;

\t##
\t# SSL Settings
\t##

\tssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; # Dropping SSLv3, ref: POODLE
\tssl_prefer_server_ciphers on;

\t##
\t# Logging Settings
\t##

\taccess_log /var/log/nginx/access.log;

\t##
\t# Gzip Settings
\t##

\tgzip on;

\t##
\t# Virtual Host Configs
\t##

\tinclude /etc/nginx/conf.d/*.conf;
\tinclude /etc/nginx/sites-enabled/*;
}
"""
