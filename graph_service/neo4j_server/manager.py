"""A managed local Neo4j Community server, provisioned from Maven Central.

No Docker and no tarball: Maven resolves ``org.neo4j.app:neo4j-server`` and its
dependencies (``pom.xml`` beside this file) into a cache folder, and the server is
started with the machine's Java 17 through ``org.neo4j.server.CommunityEntryPoint``,
the class the official launcher runs.

Layout of a server's folder (``home``)::

    home/conf/neo4j.conf     written by :meth:`LocalNeo4j.configure`
    home/data  home/logs  home/run  home/plugins  home/import
    home/password            generated, mode 0600
    home/server.json         ports, pid of the running server
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

NEO4J_VERSION = "5.26.30"
POM = Path(__file__).with_name("pom.xml")
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

# neo4j-admin database import's own memory. It takes its page cache from the server's
# setting unless told otherwise; on the city (a million nodes) a 1 GiB page cache and heap
# made a 1.4 GiB process, these settings a 0.75–0.9 GiB one in the same or less time
# (docs/performance.md). What the import's structures need beyond them is off-heap.
IMPORT_HEAP = "512m"
IMPORT_PAGECACHE = "128m"

# Where a database lives under the data folder: its store, and its transaction logs.
_STORE_PARTS = ("databases", "transactions")

# What the official launcher (bin/neo4j) adds for Java 17, but -XX:+AlwaysPreTouch: on a
# virtual machine whose memory the host backs only when first touched, touching the whole
# heap before the server starts took from 1.5 s to half a minute (docs/performance.md);
# without it, heap pages are touched as they are first used.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


#: Transaction logs kept: Neo4j's default keeps every log of the last 2 days, however large
#: (3.6 GB of them were seen beside a 245 MB store, after killed imports were run again).
#: Nothing here reads older logs (Community has no incremental backup); the logs recovery
#: needs since the last checkpoint are kept whatever this says.
TX_LOG_RETENTION = "2 days 1G"


class Neo4jServerError(RuntimeError):
    """The managed server could not be provisioned, started or stopped."""


@dataclass(frozen=True)
class ServerInfo:
    """How to reach a running managed server."""

    uri: str
    user: str
    password: str
    pid: int | None

    def password_secret(self) -> SecretStr:
        return SecretStr(self.password)

    def env_lines(self) -> list[str]:
        return [
            f"NEO4J_URI={self.uri}",
            f"NEO4J_USER={self.user}",
            f"NEO4J_PASSWORD={self.password}",
        ]


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _bolt_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            # Bolt handshake: magic preamble then four proposed versions (5.x, 4.4).
            sock.sendall(
                b"\x60\x60\xb0\x17"
                + b"\x00\x00\x04\x05"
                + b"\x00\x00\x04\x04"
                + b"\x00\x00\x00\x00"
                + b"\x00\x00\x00\x00"
            )
            return len(sock.recv(4)) == 4
    except OSError:
        return False


def java_executable() -> str:
    """The Java 17+ (but < 25) runtime to use, from JAVA_HOME or PATH."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise Neo4jServerError(
            "Java was not found. Install OpenJDK 17 (apt-get install openjdk-17-jre-headless) "
            "or set JAVA_HOME. / 未找到 Java，请安装 OpenJDK 17 或设置 JAVA_HOME。"
        )
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    major = int(match.group(1)) if match else 0
    if major < 17 or major >= 25:
        raise Neo4jServerError(
            f"Neo4j {NEO4J_VERSION} needs Java 17 to 21; {candidate} is Java {major or '?'}. "
            "Point JAVA_HOME at a Java 17 JDK. / Neo4j 5.26 需要 Java 17–21。"
        )
    return candidate


class LocalNeo4j:
    """One managed Neo4j server living in ``home``, its jars cached in ``cache_dir``.

    >>> server = LocalNeo4j(home=Path(".data/neo4j"), cache_dir=Path("~/.cache/graph-service"))
    >>> info = server.start()         # doctest: +SKIP
    >>> server.stop()                 # doctest: +SKIP
    """

    def __init__(
        self,
        home: Path,
        cache_dir: Path,
        *,
        bolt_port: int | None = None,
        heap: str = "1g",
        pagecache: str = "512m",
        transaction_timeout: str = "60s",
        extra_settings: Mapping[str, str] | None = None,
    ) -> None:
        self.home = home.resolve()
        self.cache_dir = cache_dir.expanduser().resolve()
        self._requested_port = bolt_port
        self.heap = heap
        self.pagecache = pagecache
        self.transaction_timeout = transaction_timeout
        self.extra_settings = dict(extra_settings or {})  # neo4j.conf lines, over the above
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def attached(cls, home: Path, cache_dir: Path) -> LocalNeo4j:
        """The server of an existing ``home`` as it is configured: its neo4j.conf read
        back, so that starting it again (which writes the file anew) changes nothing, its
        memory settings among it, whoever started it first."""
        conf = home / "conf" / "neo4j.conf"
        if not conf.is_file():
            raise Neo4jServerError(f"{home}: no managed Neo4j here (no conf/neo4j.conf) / "
                                   "该目录下没有托管的 Neo4j")  # fmt: skip
        settings = dict(line.split("=", 1) for line in conf.read_text().splitlines()
                        if "=" in line and not line.startswith("#"))  # fmt: skip
        return cls(
            home, cache_dir,
            heap=settings.get("server.memory.heap.max_size", "1g"),
            pagecache=settings.get("server.memory.pagecache.size", "512m"),
            transaction_timeout=settings.get("db.transaction.timeout", "60s"),
            extra_settings=settings,
        )  # fmt: skip

    # ---- paths -------------------------------------------------------------------
    @property
    def lib_dir(self) -> Path:
        return self.cache_dir / f"neo4j-{NEO4J_VERSION}" / "lib"

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "console.log"

    # ---- provisioning ------------------------------------------------------------
    def provision(self) -> Path:
        """Resolve the Neo4j jars into the cache with Maven (once); return the lib folder."""
        marker = self.lib_dir / ".complete"
        if marker.exists():
            return self.lib_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError(
                "Maven (mvn) was not found; it fetches Neo4j from Maven Central. "
                "Install it (apt-get install maven). / 未找到 Maven，请安装 maven。"
            )
        self.lib_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
            f"-DoutputDirectory={self.lib_dir}", "-DincludeScope=runtime",
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise Neo4jServerError(
                f"Maven could not fetch Neo4j {NEO4J_VERSION}:\n{result.stdout}{result.stderr}"
            )
        marker.write_text(NEO4J_VERSION)
        return self.lib_dir

    def _state(self) -> dict[str, int]:
        if not self.state_file.exists():
            return {}
        data: dict[str, int] = json.loads(self.state_file.read_text())
        return data

    def _write_state(self, **values: int) -> None:
        state = self._state() | values
        self.home.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(state))

    @property
    def bolt_port(self) -> int:
        if self._requested_port is not None:
            return self._requested_port
        return self._state().get("bolt_port", 7687)

    def password(self) -> str:
        if not self.password_file.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(
                    secrets.token_hex(16)
                )  # no leading "-": neo4j-admin reads it as an option
        return self.password_file.read_text().strip()

    def configure(self) -> None:
        """Write neo4j.conf and set the initial password before the first start."""
        for sub in ("conf", "data", "logs", "run", "plugins", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        conf = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.directories.run": str(self.home / "run"),
            "server.directories.plugins": str(self.home / "plugins"),
            "server.directories.import": str(self.home / "import"),
            "server.memory.heap.initial_size": self.heap,
            "server.memory.heap.max_size": self.heap,
            "server.memory.pagecache.size": self.pagecache,
            "dbms.security.auth_enabled": "true",
            "db.transaction.timeout": self.transaction_timeout,
            "db.shutdown_transaction_end_timeout": "2s",
            # Bolt waits 5 s for its connections, then 5 s for its threads, when it stops:
            # for a local server that is ten of its eleven seconds to stop.
            "internal.server.bolt.connection_shutdown_wait_time": "1s",
            "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
            "dbms.usage_report.enabled": "false",
            "server.jvm.additional": "-XX:+ExitOnOutOfMemoryError",
            "db.tx_log.rotation.retention_policy": TX_LOG_RETENTION,
        } | self.extra_settings
        text = "".join(f"{key}={value}\n" for key, value in conf.items())
        (self.home / "conf" / "neo4j.conf").write_text(text)
        auth = self.home / "data" / "dbms" / "auth.ini"
        if not auth.exists():
            self._admin("dbms", "set-initial-password", self.password())

    def _admin(self, *args: str) -> None:
        env = os.environ | {"NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        cmd = [java_executable(), "-cp", f"{self.lib_dir}/*", ADMIN_CLASS, *args]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise Neo4jServerError(f"neo4j-admin {' '.join(args[:2])} failed: {result.stderr}")

    # ---- backup ------------------------------------------------------------------
    def dump(self, file: Path, database: str = "neo4j") -> Path:
        """Write the database to ``file`` with ``neo4j-admin database dump`` (Community
        dumps a stopped database: the server must be stopped). The file appears only
        once it is whole; an earlier one at that path is replaced then."""
        if self.is_running():
            raise Neo4jServerError("stop the server first / 请先停止数据库")
        self.provision()
        self.configure()
        file = file.resolve()
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=file.parent, prefix=".dump-") as folder:
            self._admin("database", "dump", f"--to-path={folder}", database)
            os.replace(Path(folder) / f"{database}.dump", file)
        return file

    def check_dump(self, file: Path, database: str = "neo4j") -> None:
        """Refuse ``file`` unless neo4j-admin can read it as a dump (``database load
        --info`` reads the archive's metadata only): the server may run meanwhile, so a
        wrong file is refused before anything is stopped."""
        with self._dump_folder(file, database) as folder:
            try:
                self._admin("database", "load", "--info", f"--from-path={folder}", database)
            except Neo4jServerError as exc:
                reason = str(exc).split(": ", 1)[-1].splitlines()[0]
                raise Neo4jServerError(
                    f"{file}: 不是 neo4j-admin 能读取的备份文件，未作任何改动 / not a backup "
                    f"neo4j-admin can read; nothing was changed ({reason})"
                ) from exc

    def load(self, file: Path, database: str = "neo4j") -> None:
        """Replace the database with the dump in ``file`` (``neo4j-admin database load``,
        server stopped). neo4j-admin refuses a file that is not a dump."""
        if self.is_running():
            raise Neo4jServerError("stop the server first / 请先停止数据库")
        with self._dump_folder(file, database) as folder:
            self._admin("database", "load", f"--from-path={folder}",
                        "--overwrite-destination=true", database)  # fmt: skip

    @contextlib.contextmanager
    def _dump_folder(self, file: Path, database: str) -> Iterator[Path]:
        """A folder holding ``file`` as ``<database>.dump``, as neo4j-admin looks for it."""
        if not file.is_file():
            raise Neo4jServerError(f"{file}: 备份文件不存在 / no such backup file")
        self.provision()
        self.configure()
        with tempfile.TemporaryDirectory(prefix="graph-service-load-") as folder:
            (Path(folder) / f"{database}.dump").symlink_to(file.resolve())
            yield Path(folder)

    def move_aside(self, database: str = "neo4j") -> Path:
        """Move the stopped database's store and transaction logs into a folder of their
        own: renames, no copy (``move_back`` restores them; removing the folder discards
        them). A folder left by an interrupted first load is never overwritten."""
        if self.is_running():
            raise Neo4jServerError("stop the server first / 请先停止数据库")
        aside = self.home / "data" / f"{database}.aside"
        if aside.exists():
            raise Neo4jServerError(
                f"{aside}: 上次首次导入中断时移开的数据库仍在此处，请先用它恢复或删除它 / "
                "a database set aside by an interrupted first load is still here: "
                "restore it or remove it first"
            )
        aside.mkdir()
        for part in _STORE_PARTS:
            if (self.home / "data" / part / database).exists():
                (self.home / "data" / part / database).rename(aside / part)
        return aside

    def move_back(self, aside: Path, database: str = "neo4j") -> None:
        """Replace the stopped database with the one ``move_aside`` set aside."""
        if self.is_running():
            raise Neo4jServerError("stop the server first / 请先停止数据库")
        for part in _STORE_PARTS:
            shutil.rmtree(self.home / "data" / part / database, ignore_errors=True)
            if (aside / part).exists():
                (aside / part).rename(self.home / "data" / part / database)
        aside.rmdir()

    def import_full(
        self,
        nodes: Sequence[tuple[str, Sequence[Path]]],
        relationships: Sequence[tuple[str, Sequence[Path]]],
        database: str = "neo4j",
        *,
        multiline: bool = True,
    ) -> str:
        """Replace ``database`` with the graph in CSV files (``neo4j-admin database import
        full``, server stopped): ``nodes`` as (labels joined by ``:``, [header, body …]),
        ``relationships`` as (type, [header, body …]). Cells may span lines unless
        ``multiline`` is off (neo4j-admin then reads the files in parallel). Nodes are
        numbered 0, 1 … in their ``:ID`` column, relationships' ends given by those numbers
        (``--id-type=actual``); a relationship whose end is missing fails the whole
        import, as does anything else wrong. Returns neo4j-admin's report."""
        if self.is_running():
            raise Neo4jServerError("stop the server first / 请先停止数据库")
        self.provision()
        self.configure()
        args = [f"--nodes={labels}={','.join(str(f) for f in files)}" for labels, files in nodes]
        args += [f"--relationships={kind}={','.join(str(f) for f in files)}"
                 for kind, files in relationships]  # fmt: skip
        env = os.environ | {"NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        memory = self.home / "conf" / "import-memory.conf"
        memory.write_text(f"server.memory.pagecache.size={IMPORT_PAGECACHE}\n")
        cmd = [
            java_executable(), f"-Xmx{IMPORT_HEAP}", "-cp", f"{self.lib_dir}/*", ADMIN_CLASS,
            "database", "import", "full", database, "--overwrite-destination=true",
            f"--additional-config={memory}",
            f"--multiline-fields={str(multiline).lower()}", "--skip-bad-relationships=false",
            "--skip-duplicate-nodes=false", "--bad-tolerance=0", "--id-type=actual",
            f"--report-file={self.home / 'logs' / 'import.report'}", *args,
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise Neo4jServerError(
                f"neo4j-admin database import failed ({result.returncode}): "
                f"{(result.stderr or result.stdout)[-3000:]}"
            )
        return result.stdout

    # ---- lifecycle ---------------------------------------------------------------
    def pid(self) -> int | None:
        """The pid of this home's server if it is alive."""
        pid = self._state().get("pid")
        if not pid:
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and str(self.home).encode() not in cmdline.read_bytes():
            return None  # the pid was reused by another process
        return pid

    def info(self) -> ServerInfo:
        return ServerInfo(
            uri=f"bolt://127.0.0.1:{self.bolt_port}",
            user="neo4j",
            password=self.password(),
            pid=self.pid(),
        )

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 120.0) -> ServerInfo:
        """Start the server (provisioning first if needed); return once Bolt answers."""
        if self.is_running():
            if _bolt_answers(self.bolt_port):
                return self.info()
            return self._wait_for_bolt(self.pid(), timeout)
        java = java_executable()
        self.provision()
        port = self._requested_port or self._state().get("bolt_port") or 7687
        if port_is_taken(port):
            raise Neo4jServerError(
                f"Port {port} on 127.0.0.1 is taken; choose another with --port. "
                f"/ 端口 {port} 已被占用，请用 --port 选择其他端口。"
            )
        self._requested_port = port
        self._write_state(bolt_port=port, pid=0)
        self.configure()
        cmd = [
            java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *JVM_FLAGS,
            "-cp", f"{self.lib_dir}/*", MAIN_CLASS,
            f"--home-dir={self.home}", f"--config-dir={self.home / 'conf'}", "--console-mode",
        ]  # fmt: skip
        log = self.log_file.open("ab")
        process = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=self.home,
        )  # fmt: skip
        log.close()
        self._process = process
        self._write_state(pid=process.pid)
        return self._wait_for_bolt(process.pid, timeout, process)

    def _wait_for_bolt(
        self, pid: int | None, timeout: float, process: subprocess.Popen[bytes] | None = None
    ) -> ServerInfo:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _bolt_answers(self.bolt_port):
                return self.info()
            if process is not None and process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                raise Neo4jServerError(f"Neo4j exited with code {process.returncode}:\n{tail}")
            time.sleep(0.2)
        self.stop()
        raise Neo4jServerError(f"Neo4j did not answer on Bolt within {timeout:.0f}s")

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server and wait for its JVM to exit. True if one was running."""
        pid = self.pid()
        if pid is None:
            # stopped by another process (graph-service db stop): reap it if it was ours
            if self._process is not None and self._process.poll() is not None:
                self._process = None
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._alive(pid):
                break
            time.sleep(0.1)
        else:
            os.killpg(pid, signal.SIGKILL)
            while self._alive(pid):
                time.sleep(0.05)
        if self._process is not None and self._process.pid == pid:
            self._process.wait()
            self._process = None
        self._write_state(pid=0)
        return True

    @staticmethod
    def _alive(pid: int) -> bool:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)
            if waited == pid:
                return False
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        stat = Path(f"/proc/{pid}/stat")
        return not (stat.exists() and ") Z " in stat.read_text())
