"""Container health check without curl: exit 0 when GET http://127.0.0.1:PORT[PATH] answers 200.

python /app/healthcheck.py 8010                  # /health/ready
python /app/healthcheck.py 8010 /health/live
"""

import sys
import urllib.request


def main() -> int:
    port = int(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) > 2 else "/health/ready"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=4) as resp:
            return 0 if resp.status == 200 else 1
    except Exception:  # refused, timeout, 503: all mean "not healthy"
        return 1


if __name__ == "__main__":
    sys.exit(main())
