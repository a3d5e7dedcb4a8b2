"""tantivy: a commit that returned survives kill -9 of the writer; what was not committed
is not half-visible; the index opens for writing again afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from index.tantivy_index import TantivyIndex
from tests.conftest import REPO
from tests.index.corpus import make_docs

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from index.tantivy_index import TantivyIndex
    from tests.index.corpus import make_docs

    docs = make_docs(10)
    index = TantivyIndex(Path(sys.argv[1]))
    index.upsert(docs[:60])
    index.commit()
    print("acknowledged", flush=True)
    index.upsert(docs[60:])  # written, never committed
    print("writing", flush=True)
    time.sleep(120)
    """
)


def test_committed_hits_survive_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "acknowledged"
    assert child.stdout.readline().strip() == "writing"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    docs = make_docs(10)
    index = TantivyIndex(path)
    assert index.count() == 60
    for doc in docs[:60]:
        assert index.get(doc["id"]) == doc
    assert all(index.get(doc["id"]) is None for doc in docs[60:])
    index.upsert(docs[60:])  # the writer lock died with the child
    index.commit()
    assert index.count() == len(docs)
    index.close()
