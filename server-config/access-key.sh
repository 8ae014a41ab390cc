#!/usr/bin/env bash
# Makes a new access key for a user with its password and prints it ready to paste into a shell, so that the AWS CLI
# and SDKs work against Berth:
#
#   eval "$(server-config/access-key.sh)"            # the administrator; its password from BERTH_ADMIN_PASSWORD,
#                                                    # <data>/admin-password, or asked for
#   server-config/access-key.sh ci                   # another user (asks for its password)
#
#   REGISTRY         host:port of the registry       (default 127.0.0.1:$BERTH_PORT, i.e. 127.0.0.1:5000)
#   BERTH_DATA_DIR   where admin-password may be     (default ./data)
#   BERTH_REGION     the region to sign for          (default us-east-1)
set -euo pipefail
registry="${REGISTRY:-127.0.0.1:${BERTH_PORT:-5000}}"
user="${1:-admin}"
data="${BERTH_DATA_DIR:-./data}"

if [ "$user" = admin ] && [ -n "${BERTH_ADMIN_PASSWORD:-}" ]; then
  password="$BERTH_ADMIN_PASSWORD"
elif [ "$user" = admin ] && [ -r "$data/admin-password" ]; then
  password="$(cat "$data/admin-password")"
else
  read -rsp "Password of $user: " password
  echo >&2
fi

# The password goes to curl on its standard input, never on a command line that `ps` shows.
escaped="${password//\\/\\\\}"   # curl's config quoting: backslashes, then double quotes
escaped="${escaped//\"/\\\"}"
answer="$(printf 'user = "%s:%s"\n' "$user" "$escaped" \
  | curl -s -K - "http://$registry/" -d Action=CreateAccessKey -d Version=2010-05-08)"
id="$(sed -n 's:.*<AccessKeyId>\([^<]*\)</AccessKeyId>.*:\1:p' <<<"$answer")"
secret="$(sed -n 's:.*<SecretAccessKey>\([^<]*\)</SecretAccessKey>.*:\1:p' <<<"$answer")"
if [ -z "$id" ] || [ -z "$secret" ]; then
  echo "access-key.sh: no key made: $(sed -n 's:.*<Message>\([^<]*\)</Message>.*:\1:p' <<<"$answer")" >&2
  exit 1
fi
echo "export AWS_ACCESS_KEY_ID=$id AWS_SECRET_ACCESS_KEY=$secret AWS_DEFAULT_REGION=${BERTH_REGION:-us-east-1}"
