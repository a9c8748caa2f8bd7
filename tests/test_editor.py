"""A real editor session: each language server, spoken to over stdio with pygls' client.

Runs in the `editor` session, whose venv holds starlette, fastapi and our stubs (the servers find it
through PATH and VIRTUAL_ENV) and sets BGTYPING_EDITOR. Each server opens a document that uses
BackgroundTasks and is asked for a hover, signature help and diagnostics.
"""

# pygls' client API is only partly annotated; these checks would flag pygls, not this test.
# pyright: reportUntypedFunctionDecorator=false, reportUnknownMemberType=false, reportPrivateImportUsage=false

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import BaseLanguageClient
from pygls.protocol import default_converter

pytestmark = pytest.mark.skipif(not os.environ.get("BGTYPING_EDITOR"), reason="run by the editor session")

DOCUMENT = """from fastapi import BackgroundTasks


def send_email(email: str, retries: int = 3) -> None: ...


tasks = BackgroundTasks()
tasks.add_task(send_email, "a@example.com")
tasks.add_task(send_email, 42)
tasks.add_task(send_email, )
"""
HOVER_AT = lsp.Position(line=7, character=8)  # on `add_task`
SIGNATURE_AT = lsp.Position(line=9, character=27)  # after `add_task(send_email, `
WRONG_TYPE = lsp.Range(start=lsp.Position(line=8, character=27), end=lsp.Position(line=8, character=29))  # `42`
STUB_DOC = "Queue `func(*args, **kwargs)` to run after the response."


@dataclass(frozen=True)
class Server:
    command: tuple[str, ...]
    wrong_type_code: str
    resolves_paramspec: bool  # whether signature help shows the task's own parameters


SERVERS = {
    "pyright": Server(("pyright-langserver", "--stdio"), "reportArgumentType", True),
    "basedpyright": Server(("basedpyright-langserver", "--stdio"), "reportArgumentType", True),
    "ty": Server(("ty", "server"), "invalid-argument-type", False),
    "pyrefly": Server(("pyrefly", "lsp"), "bad-argument-type", False),
}


@dataclass
class Seen:
    hover: str
    signatures: list[str]
    active_parameter: int | None
    diagnostics: list[lsp.Diagnostic]


def converter_factory() -> Any:
    converter = default_converter()
    # lsprotocol 2025.0.0 cannot read the notebook filters that ty and pyrefly announce; unused here.
    converter.register_structure_hook(lsp.NotebookDocumentSyncOptions, lambda obj, _: None)
    return converter


async def session(server: Server, workspace: Path) -> Seen:
    client = BaseLanguageClient("bgtyping", "1", converter_factory=converter_factory)
    published: asyncio.Future[list[lsp.Diagnostic]] = asyncio.get_running_loop().create_future()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.diagnostics and not published.done():
            published.set_result(list(params.diagnostics))

    @client.feature(lsp.WORKSPACE_CONFIGURATION)
    def on_configuration(params: lsp.ConfigurationParams) -> list[None]:
        return [None for _ in params.items]

    executable = str(Path(sys.executable).parent / server.command[0])
    await client.start_io(executable, *server.command[1:])
    capabilities = lsp.ClientCapabilities(
        text_document=lsp.TextDocumentClientCapabilities(
            hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown, lsp.MarkupKind.PlainText]),
            signature_help=lsp.SignatureHelpClientCapabilities(),
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(),
        ),
        workspace=lsp.WorkspaceClientCapabilities(configuration=True),
    )
    folder = lsp.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")
    await client.initialize_async(
        lsp.InitializeParams(
            process_id=os.getpid(), root_uri=workspace.as_uri(), capabilities=capabilities, workspace_folders=[folder]
        )
    )
    client.initialized(lsp.InitializedParams())
    uri = (workspace / "app.py").as_uri()
    document = lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=DOCUMENT)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=document))
    ident = lsp.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(lsp.HoverParams(text_document=ident, position=HOVER_AT))
    signature = await client.text_document_signature_help_async(
        lsp.SignatureHelpParams(text_document=ident, position=SIGNATURE_AT)
    )
    diagnostics = await asyncio.wait_for(published, 60)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    contents = hover.contents if hover is not None else None
    return Seen(
        hover=contents.value if isinstance(contents, lsp.MarkupContent) else str(contents),
        signatures=[s.label for s in signature.signatures] if signature is not None else [],
        active_parameter=signature.active_parameter if signature is not None else None,
        diagnostics=diagnostics,
    )


@pytest.fixture(scope="module", params=list(SERVERS))
def seen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Server, Seen]:
    workspace = tmp_path_factory.mktemp(str(request.param))
    (workspace / "app.py").write_text(DOCUMENT, encoding="utf-8")
    # Without a config pyrefly checks with its `basic` preset, which skips wrong argument types.
    (workspace / "pyrefly.toml").write_text('preset = "default"\n', encoding="utf-8")
    server = SERVERS[str(request.param)]
    result = asyncio.run(session(server, workspace))
    print(f"\n{request.param} hover: {result.hover!r}\n{request.param} signature help: {result.signatures!r}")
    return server, result


def test_hover_shows_the_stub_docstring(seen: tuple[Server, Seen]) -> None:
    assert STUB_DOC in seen[1].hover


def test_signature_help(seen: tuple[Server, Seen]) -> None:
    server, result = seen
    (label,) = result.signatures
    if server.resolves_paramspec:
        assert "email: str, retries: int = 3" in label
        assert result.active_parameter == 1
    else:
        # This server shows add_task's own generic signature; when it starts resolving P, review this.
        assert "_P" in label
        assert "email: str" not in label


def test_wrong_argument_type_is_published_on_its_range(seen: tuple[Server, Seen]) -> None:
    server, result = seen
    matching = [d for d in result.diagnostics if d.code == server.wrong_type_code]
    assert matching, result.diagnostics
    assert matching[0].range == WRONG_TYPE
