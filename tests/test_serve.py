"""`summitry serve`: the deployment's parameters and schedule, the local Prefect server,
and (marked `serve`) a real serve process: its schedule in Prefect's API, and a run."""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import serve_process

from flows import cli, pipeline, report, serve, server
from flows.config import Sources

PATIENCE = 240  # seconds before giving up on the serve process (a bound, not a timing)


def test_parameters_are_the_sources_with_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sources = Sources(
        inputs=[Path("inbox")],
        feeds=["https://news.example/rss.xml"],
        fetch={"timeout": 5.0},
        warehouse=Path("wh"),
    )
    assert serve.deployment_parameters(sources, batch_size=50, wait_seconds=600) == {
        "inputs": [str(tmp_path / "inbox")],
        "warehouse": str(tmp_path / "wh"),
        "batch_size": 50,
        "feeds": ["https://news.example/rss.xml"],
        "fetch": {"timeout": 5.0},
        "wait_seconds": 600,
        "workers": None,
        "dask_address": None,
    }
    chosen = serve.deployment_parameters(sources, 50, 600, workers=1)
    assert (chosen["workers"], chosen["dask_address"]) == (1, None)


@pytest.mark.parametrize(
    ("cron", "timezone", "message"),
    [("61 * * * *", "UTC", "Invalid cron string"), ("0 * * * *", "Mars/Base", "Invalid timezone")],
)
def test_serve_refuses_a_bad_schedule_before_starting_anything(
    tiny_corpus, capsys, monkeypatch, cron, timezone, message
):
    monkeypatch.setattr(serve, "local_server", None)  # would fail if reached
    argv = ["serve", "--input", str(tiny_corpus), "--cron", cron, "--timezone", timezone]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_serving_keeps_the_schedule_on_through_restarts(monkeypatch):
    served = {}
    monkeypatch.setattr(pipeline.summitry_pipeline, "serve", lambda **kw: served.update(kw))
    serve.serve_pipeline({"warehouse": "/wh"}, "0 6 * * *", "Europe/Paris", "daily")
    assert (served["pause_on_shutdown"], served["paused"], served["limit"]) == (False, False, 1)
    assert (served["schedule"].cron, served["schedule"].timezone) == ("0 6 * * *", "Europe/Paris")
    assert (served["name"], served["parameters"]) == ("daily", {"warehouse": "/wh"})
    assert served["entrypoint_type"].value == "module_path"  # runs import it, from any folder


def test_a_configured_api_is_used_as_it_is(monkeypatch, tmp_path):
    monkeypatch.setattr(serve, "configured_api_url", lambda: "https://prefect.example/api")
    monkeypatch.setattr(serve, "local_server", None)
    with serve.prefect_api(tmp_path) as url:
        assert url == "https://prefect.example/api"


def test_without_an_api_a_local_server_is_started_and_runs_are_pointed_at_it(monkeypatch, tmp_path):
    from prefect.settings import PREFECT_API_URL

    started = []

    @contextmanager
    def fake_server(state_dir, port):
        started.append((state_dir, port))
        yield "http://127.0.0.1:4242/api"

    monkeypatch.setattr(serve, "configured_api_url", lambda: None)
    monkeypatch.setattr(serve, "local_server", fake_server)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # restored after the test
    with serve.prefect_api(tmp_path / "state", 4242) as url:
        assert url == os.environ["PREFECT_API_URL"] == PREFECT_API_URL.value()
    assert started == [(tmp_path / "state", 4242)]


def test_a_server_that_exits_at_once_is_reported_with_its_log(monkeypatch, tmp_path):
    monkeypatch.setattr(server, "_prefect", lambda: "false")
    exited = r"exited with status 1; see .*server\.log"
    with pytest.raises(server.ServerError, match=exited), server.local_server(tmp_path):
        pass


def test_the_ui_address_is_given_for_a_local_server_only():
    assert serve.ui_url("http://127.0.0.1:4200/api") == "http://127.0.0.1:4200"
    assert serve.ui_url("https://prefect.example/api") is None


# --- A real serve process (slow) ---------------------------------------------------------------


def listening(api_url: str) -> bool:
    host, port = api_url.removeprefix("http://").removesuffix("/api").split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) == 0


@pytest.mark.serve
def test_serve_puts_the_pipeline_on_its_cron_schedule_and_runs_it(served):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        DeploymentFilter,
        DeploymentFilterId,
    )
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    api_url = served.until("Prefect API: ").split()[2]
    served.until("is being served")  # Prefect's word, once the deployment exists
    name = f"summitry-pipeline/{serve_process.NAME}"
    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(name)
        [schedule] = deployment.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone) == (
            serve_process.CRON,
            serve_process.TIMEZONE,
        )
        assert schedule.active and not deployment.paused
        assert deployment.parameters["inputs"] == [str(served.corpus)]
        assert deployment.parameters["warehouse"] == str(served.warehouse)
        this = DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id]))
        deadline, scheduled = time.monotonic() + PATIENCE, []
        while not scheduled and time.monotonic() < deadline:  # the server's scheduler works
            scheduled = client.read_flow_runs(deployment_filter=this, limit=3)
            time.sleep(0.5)
        assert scheduled and all(run.expected_start_time.minute == 0 for run in scheduled)

        run = run_deployment(name, timeout=PATIENCE)  # as the schedule would, but now
        assert run.state.is_completed(), served.output()
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
        assert {a.key for a in artifacts} == {report.REPORT_KEY, report.COUNTS_KEY}
    assert (served.warehouse / "summitry.duckdb").is_file()

    assert served.stop() == 0, served.output()
    served.until("its schedule stays on")
    assert not listening(api_url)  # the local server went with it
    assert (served.warehouse / ".prefect" / "prefect.db").is_file()


# --- prefect.yaml, for a Prefect server and work pool of one's own -----------------------------


def test_prefect_yaml_deploys_the_pipeline_with_valid_parameters_and_schedule():
    import yaml
    from prefect.flows import load_flow_from_entrypoint

    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = config["deployments"]
    flow = load_flow_from_entrypoint(str(root / deployment["entrypoint"]))
    assert flow.name == pipeline.summitry_pipeline.name
    flow.validate_parameters(deployment["parameters"])  # raises on a wrong one
    [schedule] = deployment["schedules"]
    serve.check_schedule(schedule["cron"], schedule["timezone"])
    assert deployment["concurrency_limit"] == 1
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert f"--pool {deployment['work_pool']['name']}" in readme
