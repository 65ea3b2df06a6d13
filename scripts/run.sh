#!/usr/bin/env bash
# The main job: set up, ingest the bundled corpus/, open the explorer.
#   bash scripts/run.sh            # explorer on http://localhost:8501
#   PORT=8600 bash scripts/run.sh  # another port
# With CI=true the explorer is started headless, checked, and stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
. .venv/bin/activate
fieldnotes ingest corpus/
fieldnotes stats
PORT=${PORT:-8501}
if [ "${CI:-}" = "true" ]; then
    streamlit run app.py --server.headless true --server.address 127.0.0.1 \
        --server.port "$PORT" --browser.gatherUsageStats false >/tmp/fieldnotes-app.log 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 60); do
        if curl -fsS "http://127.0.0.1:$PORT/_stcore/health" >/dev/null 2>&1; then
            echo "run: explorer answered on port $PORT"
            exit 0
        fi
        sleep 1
    done
    echo "run: explorer did not start; log follows" >&2
    cat /tmp/fieldnotes-app.log >&2
    exit 1
fi
exec streamlit run app.py --server.address 127.0.0.1 --server.port "$PORT" \
    --browser.gatherUsageStats false
