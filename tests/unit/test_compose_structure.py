"""docker-compose.yml and deploy/docker/Dockerfile hold together (no Docker engine needed).

This machine has no Docker engine, so compose is checked by structure: pinned images,
health checks, start order, no inline secrets, and a Dockerfile whose COPY sources,
commands and modules exist in this repository.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml
from relais_cli.devstack.postgres import SERVER_SETTINGS
from relais_cli.main import build_parser
from relais_cli.services import SERVICES

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES_BY_NAME = COMPOSE["services"]

INFRA = {"kafka", "postgres"}
ONE_SHOT = {"migrate"}
APP = {"intake", "router-api", "router-worker", "notifier"}
DEV_ONLY = {"sandbox"}  # the fake SMS provider: profile-gated, no Kafka or database
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")
REFERENCE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


def _env_example() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        line = line.strip().removeprefix("# ")
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            name, _, value = line.partition("=")
            values.setdefault(name, value)
    return values


def _interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} against `env` (a copied .env)."""

    def one(m: re.Match[str]) -> str:
        value = env.get(m["name"], "")
        if m["op"] in (":-", "-") and not value:
            return m["arg"]
        if m["op"] in (":?", "?") and not value:
            raise AssertionError(f"compose would stop: {m['arg']}")
        return value

    return REFERENCE.sub(one, text)


FILLED_ENV = {k: v or "filled-in" for k, v in _env_example().items()}


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {k: str(v) for k, v in env.items()}


def test_the_expected_services_exist():
    assert set(SERVICES_BY_NAME) == INFRA | ONE_SHOT | APP | DEV_ONLY
    assert SERVICES_BY_NAME["kafka"]["image"] == "apache/kafka:4.1.1"
    assert SERVICES_BY_NAME["postgres"]["image"] == "postgres:17.6"
    assert SERVICES_BY_NAME["sandbox"]["profiles"] == ["sandbox"]


def test_postgres_runs_with_the_dev_stacks_server_settings():
    command = SERVICES_BY_NAME["postgres"]["command"]
    assert command[0] == "postgres"
    settings = dict(value.split("=", 1) for flag, value in zip(command[1::2], command[2::2])
                    if flag == "-c")
    assert settings == SERVER_SETTINGS


@pytest.mark.parametrize("name", sorted(SERVICES_BY_NAME))
def test_every_image_is_pinned(name):
    image = _interpolate(SERVICES_BY_NAME[name]["image"], {})
    repository, _, tag = image.rpartition(":")
    assert repository and "/" not in tag, f"{name}: {image} has no tag"
    assert tag != "latest" and re.search(r"\d", tag), f"{name}: {image} is not pinned"


@pytest.mark.parametrize("name", sorted(set(SERVICES_BY_NAME) - ONE_SHOT))
def test_every_long_running_service_has_a_healthcheck_and_restarts(name):
    service = SERVICES_BY_NAME[name]
    check = service.get("healthcheck") or {}
    assert not check.get("disable") and check.get("test"), f"{name} has no health check"
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert service.get("restart") == "unless-stopped"


def test_kafka_is_one_kraft_node_without_topic_auto_creation():
    env = _environment(SERVICES_BY_NAME["kafka"])
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners) == set(protocols)
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert "kafka-broker-api-versions.sh" in " ".join(SERVICES_BY_NAME["kafka"]["healthcheck"]["test"])
    assert "pg_isready" in SERVICES_BY_NAME["postgres"]["healthcheck"]["test"]


@pytest.mark.parametrize("name", sorted(APP))
def test_app_services_start_after_healthy_infra_and_a_successful_migration(name):
    assert SERVICES_BY_NAME[name]["depends_on"] == {
        "kafka": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_migrate_waits_for_healthy_infra_and_never_restarts():
    migrate = SERVICES_BY_NAME["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {
        "kafka": {"condition": "service_healthy"},
        "postgres": {"condition": "service_healthy"},
    }


@pytest.mark.parametrize("name", sorted(APP | ONE_SHOT | DEV_ONLY))
def test_relais_services_read_env_file_in_production_mode(name):
    service = SERVICES_BY_NAME[name]
    env = _environment(service)
    assert service["env_file"] == ".env"
    assert env["RELAIS_ENV"] == ("dev" if name in DEV_ONLY else "production")
    assert env["RELAIS_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert "@postgres:5432/" in env["RELAIS_DATABASE_URL"]


@pytest.mark.parametrize("name", sorted(SERVICES_BY_NAME))
def test_no_secret_is_written_inline(name):
    for key, value in _environment(SERVICES_BY_NAME[name]).items():
        if any(word in key for word in SECRET_WORDS):
            m = REFERENCE.fullmatch(value)
            assert m and m["op"] in (None, ":?", "?"), f"{name}.{key} must be ${{VAR}} or ${{VAR:?…}}"
        for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
            assert REFERENCE.fullmatch(password), f"{name}.{key} embeds a password"


def test_env_example_leaves_every_required_secret_empty_and_lists_every_variable():
    example = _env_example()
    lines = (REPO / "docker-compose.yml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    for m in REFERENCE.finditer(text):
        assert m["name"] in example, f"{m['name']} is used by compose but not in .env.example"
        if any(word in m["name"] for word in SECRET_WORDS):
            assert example[m["name"]] == "", f".env.example must not carry a value for {m['name']}"
    brief = (REPO / "docs" / "dev-brief.md").read_text()
    for name in set(re.findall(r"RELAIS_[A-Z][A-Z0-9_]*", brief)):
        assert name in example, f"{name} (dev brief) is missing from .env.example"


@pytest.mark.parametrize("spec", SERVICES, ids=lambda s: s.name)
def test_each_process_runs_its_module_and_publishes_its_health_port(spec):
    service = SERVICES_BY_NAME[spec.name]
    assert service["command"] == ["python", "-m", spec.module]
    env = _environment(service)
    port = _interpolate(env["RELAIS_HEALTH_PORT"], FILLED_ENV)
    assert _interpolate(env["RELAIS_HEALTH_PORT"], {}) == str(spec.default_port)
    published = [_interpolate(p, FILLED_ENV).split(":")[-1] for p in service["ports"]]
    assert published == [port]


def _module_exists(module: str) -> bool:
    top, *rest = module.split(".")
    roots = [REPO / "shared", REPO / "cli", *(REPO / "services").glob("*")]
    for package in (root / top for root in roots):
        if package.is_dir():
            target = package.joinpath(*rest)
            return (target / "__main__.py").is_file() or target.with_suffix(".py").is_file()
    return False


def _commands() -> list[list[str]]:
    """Every command compose (in our image) or the Dockerfile runs, split at `sh -c` and `&&`."""
    commands = [s["command"] for name, s in SERVICES_BY_NAME.items()
                if "command" in s and name not in INFRA]
    commands.append(DOCKERFILE.cmd)
    result = []
    for command in commands:
        if command[:2] == ["sh", "-c"]:
            result += [shlex.split(part) for part in command[2].split("&&")]
        else:
            result.append(command)
    return result


class _Dockerfile:
    def __init__(self, path: Path) -> None:
        text = re.sub(r"\\\n", " ", path.read_text())
        self.instructions = [
            (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in (raw.strip() for raw in text.splitlines())
            if line and not line.startswith("#")
        ]
        self.args = {}
        for op, rest in self.instructions:
            if op == "ARG" and "=" in rest:
                name, _, default = rest.partition("=")
                self.args.setdefault(name, default)

    def values(self, op: str) -> list[str]:
        return [rest for o, rest in self.instructions if o == op]

    @property
    def cmd(self) -> list[str]:
        return yaml.safe_load(self.values("CMD")[-1])


BUILDS = {s["build"]["dockerfile"] for s in SERVICES_BY_NAME.values() if "build" in s}
DOCKERFILE = _Dockerfile(REPO / "deploy" / "docker" / "Dockerfile")


def test_every_referenced_dockerfile_exists_with_the_repo_as_context():
    assert BUILDS == {"deploy/docker/Dockerfile"}
    assert all(s["build"]["context"] == "." for s in SERVICES_BY_NAME.values() if "build" in s)


def test_dockerfile_base_images_are_pinned():
    stages = set()
    for line in DOCKERFILE.values("FROM"):
        image, *alias = line.replace("${PYTHON_IMAGE}", DOCKERFILE.args["PYTHON_IMAGE"]).split()
        if image not in stages:
            tag = image.rpartition(":")[2]
            assert ":" in image and tag != "latest" and re.search(r"\d+\.\d+", tag), image
        if alias:
            stages.add(alias[-1])
    assert DOCKERFILE.args["PYTHON_IMAGE"].startswith("python:3.11.")


def test_every_copy_source_exists_and_every_workspace_member_is_copied():
    copied = []
    for line in DOCKERFILE.values("COPY"):
        parts = [p for p in line.split() if not p.startswith("--")]
        if "--from=" in line:
            continue
        for source in parts[:-1]:
            assert (REPO / source).exists(), f"COPY {source}: not in the repository"
            copied.append(source)
    root = tomllib.loads((REPO / "pyproject.toml").read_text())
    for member in root["tool"]["uv"]["workspace"]["members"]:
        assert f"{member}/pyproject.toml" in copied, f"workspace member {member} not copied first"
        assert any(member == src or member.startswith(src + "/") for src in copied), member


def test_dockerfile_syncs_the_lock_and_runs_as_a_non_root_user_with_a_healthcheck():
    runs = " ".join(DOCKERFILE.values("RUN"))
    assert "uv sync --frozen --no-dev" in runs
    user = DOCKERFILE.values("USER")[-1].split(":")[0]
    assert user not in ("", "root", "0")
    assert DOCKERFILE.instructions.index(("USER", DOCKERFILE.values("USER")[-1])) > max(
        i for i, (op, _) in enumerate(DOCKERFILE.instructions) if op in ("COPY", "RUN")
    ), "USER must come after the last COPY/RUN of the final stage"
    healthcheck = DOCKERFILE.values("HEALTHCHECK")[-1]
    assert "NONE" not in healthcheck and "urllib" in healthcheck and "/healthz" in healthcheck


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_names_a_module_or_cli_subcommand_that_exists(command):
    if command[:2] == ["python", "-m"]:
        assert _module_exists(command[2]), f"no module {command[2]} in the workspace"
    elif command[0] == "python":
        script = command[1].removeprefix("/app/")
        assert (REPO / script).is_file(), f"no script {script}"
        copied = [line.split()[0] for line in DOCKERFILE.values("COPY") if "--from" not in line]
        assert script in copied, f"{script} is not copied into the image"
    else:
        assert command[0] == "relais", command
        build_parser().parse_args(command[1:])  # SystemExit if the subcommand is unknown


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_build_context():
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".venv", ".relais", ".env", ".git", "**/__pycache__"} <= ignored


def test_services_connect_as_an_ordinary_role_and_only_migrate_holds_the_superuser():
    postgres = SERVICES_BY_NAME["postgres"]
    superuser = _environment(postgres)["POSTGRES_USER"]
    assert superuser != "relais"
    init = next(v for v in postgres["volumes"] if "docker-entrypoint-initdb.d" in v)
    script = REPO / init.split(":")[0]
    assert script.exists() and "CREATE ROLE relais LOGIN" in script.read_text()
    assert "SUPERUSER" not in script.read_text()
    for name in APP | ONE_SHOT:
        env = _environment(SERVICES_BY_NAME[name])
        assert env["RELAIS_DATABASE_URL"].startswith("postgresql://relais:"), name
        assert ("RELAIS_DATABASE_ADMIN_URL" in env) == (name == "migrate"), name
    admin = _environment(SERVICES_BY_NAME["migrate"])["RELAIS_DATABASE_ADMIN_URL"]
    assert admin.startswith(f"postgresql://{superuser}:")
