# shellcheck shell=bash
# Sourced by npm test and npm run record: start the lab's engine and registry (idempotently), put
# their settings in the environment, and stop them at exit if this run started them
# (LAB_KEEP_ENGINE=1 keeps them). npm start leaves them running on purpose (scripts/start.sh).
started_engine=0
if ! scripts/lab-engine.sh status >/dev/null 2>&1; then started_engine=1; fi
stop_engine_if_started() {
  if [[ $started_engine == 1 && -z ${LAB_KEEP_ENGINE:-} ]]; then scripts/lab-engine.sh down || true; fi
}
trap stop_engine_if_started EXIT
scripts/lab-engine.sh up
eval "$(scripts/lab-engine.sh env)"
