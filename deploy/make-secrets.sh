#!/usr/bin/env bash
# make-secrets.sh — the keys and tokens an overlay's secretGenerator reads (see docs/operators).
#
#   deploy/make-secrets.sh DIR HOST [NAMESPACE] [ENGINES]
#
# DIR        the overlay's secrets folder, e.g. deploy/overlays/mylab/secrets (ignored by git)
# HOST       the lab's address for the Ingress, e.g. lab.example.org
# NAMESPACE  the overlay's namespace (default docker-lab)
# ENGINES    most engine pods the engine certificate names (default 32: lab-engine-0 … lab-engine-31;
#            the base runs 2). For more, delete engine-key.pem and engine-cert.pem, run it again with
#            a higher number, and apply the overlay (the engines restart with the new certificate).
#
# Files that exist are kept, so running it again changes nothing; delete a file to make it anew.
# engine-ca-key.pem signs the engine and client certificates: it goes into no Secret, keep it offline.
# ingress.crt is self-signed: replace ingress.crt/ingress.key with the lab's real certificate.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,15p' "$0" >&2; exit 2; }
DIR=$1 HOST=$2 NS=${3:-docker-lab} ENGINES=${4:-32}
[[ $HOST =~ ^[A-Za-z0-9.-]+$ ]] || { echo "make-secrets: bad host name: $HOST" >&2; exit 2; }
[[ $NS =~ ^[a-z0-9-]+$ ]] || { echo "make-secrets: bad namespace: $NS" >&2; exit 2; }
[[ $ENGINES =~ ^[0-9]+$ && $ENGINES -ge 1 ]] || { echo "make-secrets: bad engine count: $ENGINES" >&2; exit 2; }
umask 077
mkdir -p "$DIR"
cd "$DIR"
DAYS=825

say() { printf '[make-secrets] %s\n' "$*" >&2; }
missing() { local f; for f in "$@"; do [[ -s $f ]] || return 0; done; return 1; }

# P-256 key in PKCS#8 (what the server's key loader and Docker both read).
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if missing access-token; then
  say "access-token (readers open the lab once with ?token=…)"
  openssl rand -hex 24 | tr -d '\n' >access-token
fi

if missing admin-token; then
  say "admin-token (LAB_ADMIN_TOKEN: bearer token of the admin API, /companion/admin/...)"
  openssl rand -hex 24 | tr -d '\n' >admin-token
fi

if missing token-key.pem token-cert.pem; then
  say "token-key.pem, token-cert.pem (the registry's token signer; the registry trusts the certificate)"
  ec_key token-key.pem
  openssl req -new -x509 -key token-key.pem -out token-cert.pem -days "$DAYS" -subj "/CN=docker-lab token signer" 2>/dev/null
fi

if missing engine-ca.pem engine-ca-key.pem; then
  say "engine-ca.pem (the CA of the engines' TLS; its key stays here)"
  ec_key engine-ca-key.pem
  openssl req -new -x509 -key engine-ca-key.pem -out engine-ca.pem -days "$DAYS" -subj "/CN=docker-lab engine CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

# sign NAME CN EXTFILE: NAME-key.pem and NAME-cert.pem, signed by the engine CA.
sign() {
  ec_key "$1-key.pem"
  openssl req -new -key "$1-key.pem" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA engine-ca.pem -CAkey engine-ca-key.pem -CAcreateserial \
    -days "$DAYS" -extfile "$3" -out "$1-cert.pem" 2>/dev/null
  rm -f "$1.csr" "$3" engine-ca.srl
}

if missing engine-key.pem engine-cert.pem; then
  say "engine-key.pem, engine-cert.pem (every engine pod's TLS server certificate)"
  # Names, not a wildcard, for the short form: TLS clients refuse `*.lab-engine` (a wildcard over one label).
  sans="DNS:*.lab-engine.$NS.svc,DNS:*.lab-engine.$NS.svc.cluster.local"
  for ((i = 0; i < ENGINES; i++)); do sans+=",DNS:lab-engine-$i.lab-engine"; done
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' "$sans" >engine.ext
  sign engine "lab-engine" engine.ext
fi

if missing client-key.pem client-cert.pem; then
  say "client-key.pem, client-cert.pem (the companion server's client certificate for the engines)"
  printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n' >client.ext
  sign client "lab-companion" client.ext
fi

if missing ingress.crt ingress.key; then
  say "ingress.crt, ingress.key (self-signed for $HOST: replace with the lab's real certificate)"
  ec_key ingress.key
  openssl req -new -x509 -key ingress.key -out ingress.crt -days "$DAYS" -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" 2>/dev/null
fi
say "done: $(pwd)"
