"""Screenshot pages of a running Odoo as a given user, with headless Chromium.

    python3 tools/screenshot.py --url http://localhost:8069 --login pm \\
        --password pm --out /tmp/shots "/odoo/action-psa_workflow.psa_allocation_action"

Logs in through /web/login, then saves one PNG per path (to look at what users
see). Needs chromium and the websocket-client package (both installed by
tools/setup.sh).
"""

import argparse
import base64
import json
import pathlib
import subprocess
import tempfile
import time
import urllib.request

import websocket


class Browser:
    def __init__(self, width=1400, height=900):
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={self.profile.name}",
                f"--window-size={width},{height}",
                "--remote-debugging-port=0",  # any free port: several may run at once
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = pathlib.Path(self.profile.name, "DevToolsActivePort")
        for _attempt in range(50):
            try:
                port = port_file.read_text().split()[0]
                url = f"http://127.0.0.1:{port}/json"
                with urllib.request.urlopen(url) as response:
                    pages = [p for p in json.load(response) if p["type"] == "page"]
                if pages:
                    break
            except (OSError, IndexError):
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60
        )
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, awaitPromise=True)

    def goto(self, url, settle=4.0):
        self.call("Page.navigate", url=url)
        time.sleep(settle)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        pathlib.Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        self.profile.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default=".")
    parser.add_argument(
        "--settle", type=float, default=4.0, help="seconds to wait after loading"
    )
    parser.add_argument(
        "--size", default="1400x900", help="window size, e.g. 390x844 for a phone"
    )
    parser.add_argument(
        "--click",
        action="append",
        default=[],
        help="a CSS selector to click on each page before the shot (repeatable)",
    )
    parser.add_argument(
        "--scroll", help="a CSS selector to scroll into view before the shot"
    )
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split("x"))
    browser = Browser(width, height)
    try:
        browser.goto(f"{args.url}/web/login", settle=2)
        browser.evaluate(
            f"document.querySelector('#login').value = {json.dumps(args.login)};"
            f"document.querySelector('#password').value = {json.dumps(args.password)};"
            "document.querySelector('form.oe_login_form').submit();"
        )
        time.sleep(4)
        for index, path in enumerate(args.paths):
            browser.goto(args.url + path, settle=args.settle)
            for selector in args.click:
                browser.evaluate(
                    f"document.querySelector({json.dumps(selector)}).click()"
                )
                time.sleep(args.settle)
            if args.scroll:
                browser.evaluate(
                    f"document.querySelector({json.dumps(args.scroll)}).scrollIntoView()"
                )
                time.sleep(1)
            target = out / f"shot_{index:02d}.png"
            browser.screenshot(target)
            print(target)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
