"""The shared stack's pure parts (bench/stack.py, bench/nginx.py): the environment gunicorn runs with
and the nginx configuration a run writes. Nothing is started here."""

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
    def test_listens_on_loopback_in_front_of_gunicorn_with_everything_in_the_runs_directory(self, tmp_path):
        args = nginx.configure(tmp_path, port=8080, app_port=8000)

        conf = (tmp_path / "nginx" / "nginx.conf").read_text()
        assert args[-2:] == ["-c", str(tmp_path / "nginx" / "nginx.conf")]
        assert "listen 127.0.0.1:8080;" in conf
        assert "server 127.0.0.1:8000;" in conf
        assert f"alias {tmp_path}/www/post.html;" in conf
        assert r'"~(^|;)\s*(sessionid|messages)=" 1;' in conf
        assert (tmp_path / "nginx" / "cache").is_dir()
