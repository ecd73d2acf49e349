#!/bin/sh
# Run once the server answers (temporal-setup service, temporalio/admin-tools): creates the
# namespace and the custom search attributes operators filter by (domain/search-attributes.ts;
# SEARCH_ATTRIBUTES is "Name=Type ..."). Safe to re-run: what exists is left as it is.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do echo 'waiting for Temporal'; sleep 2; done
temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 ||
  temporal operator namespace create -n "$NAMESPACE" --retention "${RETENTION:-30d}" --address "$TEMPORAL_ADDRESS"
existing=$(temporal operator search-attribute list -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS")
for spec in $SEARCH_ATTRIBUTES; do
  name=${spec%%=*}
  type=${spec#*=}
  if echo "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create -n "$NAMESPACE" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS"
  fi
done
echo "namespace $NAMESPACE and its search attributes are ready"
