"""proof/scale/nginx.py: the site file with section 8's upstream, on loopback (checked by `nginx -t` when installed)."""

import subprocess
from pathlib import Path

import pytest

from proof.scale import nginx


def test_two_servers_and_the_retries_in_every_proxying_location(tmp_path):
    conf = nginx.site(port=18080, servers=[18001, 18002], tmp=tmp_path)
    assert "server 127.0.0.1:18001" in conf and "server 127.0.0.1:18002" in conf and "10.0.0." not in conf
    proxying = conf.count("proxy_pass http://causerie;")
    assert proxying >= 2  # the import page's location and `location /`
    assert conf.count("add_header X-Upstream $upstream_addr always;") == proxying
    assert "listen 127.0.0.1:18080;" in conf and "ssl_certificate" not in conf and "return 301" not in conf
    assert str(tmp_path / "cache") in conf


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="Debian's nginx is not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    args = nginx.configure(tmp_path, port=18080, figures={"one": 18081, "two": 18082}, servers=[18001, 18002])
    result = subprocess.run([args[0], "-t", *args[1:]], capture_output=True, text=True, timeout=60)  # noqa: S603
    assert result.returncode == 0, result.stderr
