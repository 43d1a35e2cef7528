"""Headless Chromium for the browser tests: installs Debian's `chromium` when it is missing
(apt-get, with sudo when not root, as ./dev does), loads a page, lets its scripts run on a
virtual-time budget, and returns the DOM as it then is and what the page wrote to its console.
Screenshots go to BROWSER_OUT (the test's build folder)."""
import html.parser
import os
import shutil
import subprocess
import tempfile

OUT_DIR = os.environ.get("BROWSER_OUT", os.path.join(tempfile.gettempdir(), "emu-browser-tests"))


def chromium():
    """The path of Chromium, installing Debian's package first when it is missing."""
    path = shutil.which("chromium")
    if path:
        return path
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    path = shutil.which("chromium")
    if not path:
        raise RuntimeError("apt-get installed chromium but it is not on PATH")
    return path


def _run(url, extra, width, height, budget_ms):
    profile = tempfile.mkdtemp(prefix="emu-chromium-")
    try:
        args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0",
                f"--user-data-dir={profile}", f"--window-size={width},{height}",
                f"--virtual-time-budget={budget_ms}", *extra, url]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc, console


def dump_dom(url, width=1400, height=1000, budget_ms=5000):
    """(DOM after the scripts ran, console lines) of `url` in a window `width` px wide."""
    proc, console = _run(url, ["--dump-dom"], width, height, budget_ms)
    if proc.returncode != 0 or "<html" not in proc.stdout:
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout, console


def screenshot(url, name, width=1400, height=3600, budget_ms=5000):
    """Saves a screenshot of `url` as OUT_DIR/name and returns its path."""
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    if os.path.exists(path):
        os.remove(path)
    proc, _ = _run(url, [f"--screenshot={path}"], width, height, budget_ms)
    if not os.path.exists(path):
        raise RuntimeError(f"no screenshot from chromium ({proc.returncode}): {proc.stderr[-2000:]}")
    return path


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.text = tag, dict(attrs), ""


class Dom(html.parser.HTMLParser):
    """The elements of a dumped DOM, each with its attributes and its text (descendants
    included), in document order."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self, text):
        super().__init__()
        self.elements, self._open = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def find_all(self, tag=None, **attrs):
        # Keyword names: data_chart is data-chart, class_ is class; True: has the attribute.
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}

        def matches(e):
            return (tag is None or e.tag == tag) and all(
                (k in e.attrs) if v is True else e.attrs.get(k) == v for k, v in wanted.items())
        return [e for e in self.elements if matches(e)]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None
