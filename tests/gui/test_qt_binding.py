"""The Qt binding itself: a signal carrying Python objects keeps their reference counts.

PySide6 6.12.0 dropped a reference on every emit (None, True/False and plain objects),
so the app died with "deallocating None" after a few thousand progress events. This
runs in a subprocess so that a broken binding fails this test instead of the suite.
"""

import subprocess
import sys

PROBE = """
import sys, threading
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
app = QCoreApplication([])
class Source(QObject):
    value = Signal(object)
    step = Signal(int, int, int, object)
class Sink(QObject):
    @Slot(object)
    def on(self, x):
        pass
source, sink = Source(), Sink()
source.value.connect(sink.on)
class Payload:
    pass
payload = Payload()
before = (sys.getrefcount(None), sys.getrefcount(payload), sys.getrefcount(True))
def work():
    for _ in range(20000):
        source.value.emit(None)
        source.value.emit(payload)
        source.step.emit(1, 2, 3, None)
thread = threading.Thread(target=work)
thread.start()
while thread.is_alive():
    app.processEvents()
app.processEvents()
after = (sys.getrefcount(None), sys.getrefcount(payload), sys.getrefcount(True))
print("DELTA", [a - b for a, b in zip(after, before)])
"""


def test_signals_keep_reference_counts():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    delta = eval(result.stdout.split("DELTA", 1)[1])
    assert all(abs(d) < 100 for d in delta), delta
