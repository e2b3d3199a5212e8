"""Serve the app as several Streamlit processes behind nginx, on one shared database.

    CRM_DATABASE_URL=postgresql://crm@db/crm python -m deploy.cluster --processes 2 --port 8080

Each app process listens on a loopback port of its own; nginx (Debian's `nginx` package) listens
on --listen:--port, proxies HTTP and Streamlit's WebSocket, and keeps each browser on one process
with a routing cookie (`crm_route`, set on the first response): a Streamlit session, its
uploads and its downloads live in one process's memory. When that process is gone, nginx sends
the browser to a live one, where the page reconnects as a new session; everything committed is
in the database. The script migrates the database once, starts everything, restarts an app
process that exits, and stops all of them on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.serve import free_port, wait_for_health
from crm_core.db import database_url, make_engine, migrate_to_head
from dashboard.local_mode import is_loopback

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROUTE_COOKIE = "crm_route"


def nginx_config(*, listen: str, port: int, app_ports: list[int], run_dir: Path) -> str:
    """The nginx configuration: sticky by cookie, WebSocket upgrade, failover to a live process."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                        for p in app_ports)
    return f"""\
worker_processes auto;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {run_dir}/nginx-access.log;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # The routing key: the browser's cookie, or (first request) a new random one it then keeps.
    map $cookie_{ROUTE_COOKIE} $crm_route {{ "" $request_id; default $cookie_{ROUTE_COOKIE}; }}
    map $cookie_{ROUTE_COOKIE} $crm_route_set {{
        "" "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}

    upstream crm_app {{
        hash $crm_route consistent;
{servers}
    }}

    server {{
        listen {listen}:{port};
        client_max_body_size 210m;  # the importer's 200 MiB limit plus the form around it

        location / {{
            proxy_pass http://crm_app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 1d;  # a WebSocket stays quiet while a person reads
            proxy_send_timeout 1d;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_buffering off;  # downloads stream through, never into temp files
            proxy_request_buffering off;
            add_header Set-Cookie $crm_route_set always;
            add_header X-Served-By $upstream_addr always;
        }}
    }}
}}
"""


@dataclass
class Cluster:
    """Running app processes and the proxy in front of them."""

    url: str
    run_dir: Path
    app_ports: list[int]
    app_args: list[str]
    env: dict[str, str]
    apps: dict[int, subprocess.Popen] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None

    def app_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def start_app(self, port: int) -> None:
        """Start (or restart) the app process on this port and wait until it is healthy."""
        log = self.run_dir / f"app-{port}.log"
        with open(log, "a") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless",
                 "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                 *self.app_args], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self.apps[port] = process
        wait_for_health(self.app_url(port), process, log=log)

    def kill_app(self, port: int) -> None:
        """Kill an app process at once (SIGKILL), as a crash would."""
        self.apps[port].kill()
        self.apps[port].wait(timeout=20)

    def stop(self) -> None:
        """Stop the proxy, then every app process."""
        processes = [p for p in [self.nginx, *self.apps.values()] if p is not None]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def start_cluster(*, processes: int, port: int, listen: str = "127.0.0.1",
                  run_dir: Path, app_ports: list[int] | None = None,
                  app_args: list[str] = (), env: dict[str, str] | None = None) -> Cluster:
    """Migrate the database, start the app processes and nginx; return the running cluster."""
    if not Path(NGINX).exists():
        raise FileNotFoundError(f"nginx not found at {NGINX} (apt-get install nginx)")
    env = {**os.environ, **(env or {})}
    engine = make_engine(env.get("CRM_DATABASE_URL") or database_url())
    migrate_to_head(engine)  # once here, so the processes never race to migrate
    engine.dispose()
    run_dir.mkdir(parents=True, exist_ok=True)
    ports = app_ports or [free_port() for _ in range(processes)]
    cluster = Cluster(url=f"http://{listen}:{port}", run_dir=run_dir, app_ports=ports,
                      app_args=list(app_args), env=env)
    try:
        for app_port in ports:
            cluster.start_app(app_port)
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(listen=listen, port=port, app_ports=ports,
                                     run_dir=run_dir))
        cluster.nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(run_dir / "nginx.out", "w"))  # noqa: SIM115
        wait_for_health(cluster.url, cluster.nginx, log=run_dir / "nginx.out")
    except Exception:
        cluster.stop()
        raise
    return cluster


def _has_sign_in(secrets_files: list[str]) -> bool:
    import tomllib

    paths = [Path(p) for p in secrets_files] or [ROOT / ".streamlit" / "secrets.toml"]
    return any(p.exists() and "auth" in tomllib.loads(p.read_text()) for p in paths)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2,
                        help="app processes (default: one per CPU core)")
    parser.add_argument("--listen", default="127.0.0.1", help="nginx's address")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument("--app-port", type=int, default=8601,
                        help="the first app process's port (the others follow it)")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "data" / "cluster",
                        help="nginx's configuration, logs and the app processes' logs")
    parser.add_argument("--secrets-file", action="append", default=[],
                        help="secrets.toml with [auth] (default: .streamlit/secrets.toml)")
    args = parser.parse_args(argv)
    if not is_loopback(args.listen) and not _has_sign_in(args.secrets_file):
        parser.error("served beyond this machine, the app needs sign-in: put [auth] in "
                     "secrets.toml (see README, Sign-in)")
    app_args = [arg for f in args.secrets_file for arg in ("--secrets.files", f)]
    cluster = start_cluster(processes=args.processes, port=args.port, listen=args.listen,
                            run_dir=args.run_dir, app_args=app_args,
                            app_ports=[args.app_port + i for i in range(args.processes)])
    print(f"Serving {cluster.url} with {args.processes} app processes; logs in {args.run_dir}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            for app_port, process in list(cluster.apps.items()):
                if process.poll() is not None:
                    print(f"app process on port {app_port} exited ({process.returncode}); "
                          "restarting it", flush=True)
                    cluster.start_app(app_port)
            if cluster.nginx.poll() is not None:
                raise SystemExit(f"nginx exited ({cluster.nginx.returncode}); see "
                                 f"{args.run_dir / 'nginx-error.log'}")
            time.sleep(1)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
