"""Parse one file into a Document: dispatch by extension, with size, time and memory limits.

``parse_path`` is what worker processes run; it never touches the project file.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from projectfile import DOCUMENT_PARAGRAPHS, DOCUMENT_TEXT, limit_reason

from .language import detect_language, language_bucket
from .memory_limit import OverMemory, memory_guard, start_memory_watchdog
from .model import Document, ParseError, sha256_bytes

SUPPORTED = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}


@dataclass
class ParseOptions:
    """Limits and settings for parsing one file (sent to worker processes)."""

    password: str | None = None
    max_bytes: int = 200 * 1024 * 1024
    timeout_s: int = 300  # per file, enforced in worker processes
    kind: str = "policy"
    memory_bytes: int = 1280 * 1024**2  # resident memory of the parsing process (1.25 GiB)
    ocr_languages: str | None = "eng+spa"  # tesseract languages for scanned PDF pages; None: off


# One document's text is capped, whatever the format (DOCX: while streaming; text and HTML:
# by file size before decoding): memory then follows what is kept, not what a file claims.
MAX_TEXT_FILE_BYTES = DOCUMENT_TEXT.value


def parse_path(path: str, options: ParseOptions | None = None) -> Document:
    """Return the parsed Document of ``path`` (with sha256, size, language); raise ParseError."""
    options = options or ParseOptions()
    p = Path(path)
    name = p.name
    ext = p.suffix.lower()
    if ext not in SUPPORTED:
        raise ParseError(
            name,
            f"unsupported file type '{ext or '(none)'}'"
            f" (supported: {', '.join(sorted(SUPPORTED))})",
            code="unsupported",
        )
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ParseError(name, f"cannot be read ({exc.strerror})", code="unreadable") from exc
    if size == 0:
        raise ParseError(name, "empty file (0 bytes)", code="empty")
    if size > options.max_bytes:
        raise ParseError(
            name,
            f"file is {size / 1e6:.1f} MB, over the limit of {options.max_bytes / 1e6:.0f} MB",
            code="too_large",
        )
    kind = SUPPORTED[ext]
    if kind in ("txt", "md", "html") and size > MAX_TEXT_FILE_BYTES:
        reason = limit_reason(DOCUMENT_TEXT, "the text file", size)
        raise ParseError(name, reason, code="too_large")
    with _time_limit(options.timeout_s, name):
        data = p.read_bytes()
        if kind == "pdf":
            from .pdf import pdf_to_document

            doc = pdf_to_document(
                p,
                password=options.password,
                name=name,
                ocr_languages=options.ocr_languages,
                ocr_budget_s=max(1, options.timeout_s - 10) if options.timeout_s > 0 else None,
            )
        elif kind == "docx":
            from .formats import docx_to_document

            doc = docx_to_document(data, name)
        elif kind == "html":
            from .formats import html_to_document

            doc = html_to_document(data, name)
        else:
            from .formats import text_to_document

            doc = text_to_document(data, name)
    if len(doc.segments) > DOCUMENT_PARAGRAPHS.value:  # the main process stores each one
        reason = limit_reason(DOCUMENT_PARAGRAPHS, "it", len(doc.segments), "has")
        raise ParseError(name, reason, code="too_large")
    doc.sha256 = sha256_bytes(data)
    doc.size = size
    doc.kind = options.kind
    doc.metadata.setdefault("source_path", str(p.resolve()))
    if doc.status == "ok" and not doc.text.strip():
        doc.status = "no_text"
        doc.warnings.append("no text found in the file")
    doc.language = language_bucket(detect_language(doc.text)) if doc.text.strip() else None
    # Paragraph languages are detected here, in the worker, so the main process only writes.
    for seg in doc.segments:
        if "language" not in seg.data:
            text = doc.text[seg.start : seg.end]
            seg.data["language"] = (
                language_bucket(detect_language(text)) if len(text) > 40 else doc.language
            )
    return doc


class _Timeout(BaseException):  # not Exception: parsers catch those per page
    pass


class _time_limit:
    """Raise ParseError after ``seconds`` (SIGALRM; only in a process's main thread)."""

    def __init__(self, seconds: int, name: str):
        self.seconds, self.name = seconds, name
        self.active = (
            seconds > 0
            and threading.current_thread() is threading.main_thread()
            and hasattr(signal, "SIGALRM")
        )

    def __enter__(self):
        if self.active:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.alarm(self.seconds)
        return self

    def _fire(self, signum, frame):
        raise _Timeout()

    def __exit__(self, exc_type, exc, tb):
        if self.active:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)
        if exc_type is _Timeout:
            raise ParseError(
                self.name,
                f"parsing took longer than {self.seconds} s and was stopped",
                code="timeout",
            )
        return False


OVER_MEMORY = "parsing needed more memory than the per-file limit allows"
_LIMITED = {"memory": 0}  # set in a worker process once its memory cap is in place


def in_limited_worker() -> bool:
    """Return True in a worker process whose memory is capped, on its main thread (SIGALRM)."""
    return bool(_LIMITED["memory"]) and threading.current_thread() is threading.main_thread()


def init_worker(max_bytes: int, owner_pid: int = 0) -> None:
    """Process-pool initializer: limit memory, and exit when the process that owns the pool dies.

    A killed ingest must not leave parsers running.  The pool's workers are children of the
    forkserver, not of the ingest, so a thread checks every second that ``owner_pid`` (the
    ingesting process) is still alive; Linux's parent-death signal covers the forkserver.
    """
    limit_worker_memory(max_bytes)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1)
            if os.getppid() != parent or (owner_pid and not _pid_alive(owner_pid)):
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process not yet reaped by its parent is a zombie: dead to us
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def limit_worker_memory(max_bytes: int) -> None:
    """Limit the resident memory of a worker process (``corpus.memory_limit``'s watchdog)."""
    _LIMITED["memory"] = max_bytes
    start_memory_watchdog(max_bytes)


def parse_in_worker(path: str, options: ParseOptions) -> tuple[str, Document | None, str, str]:
    """Worker entry point: return (path, document or None, error code, reason); never raises."""
    try:
        with memory_guard():
            return path, parse_path(path, options), "", ""
    except ParseError as exc:
        return path, None, exc.code, exc.reason
    except (MemoryError, OverMemory):
        return path, None, "too_large", OVER_MEMORY
    except RecursionError:
        return path, None, "corrupt", "file structure is too deeply nested to read"
    except Exception as exc:  # a parser bug must not stop the batch
        return (
            path,
            None,
            "failed",
            f"unexpected error while reading ({type(exc).__name__}: {str(exc)[:160]})",
        )


def discover(paths: list[str]) -> list[str]:
    """Return every file under ``paths`` (folders recursively, hidden files skipped), sorted."""
    found: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(str(Path(root) / f) for f in sorted(files) if not f.startswith("."))
        else:
            found.append(str(p))
    return found
