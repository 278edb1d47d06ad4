"""A known IAM user in moto, so signature checking can be on from the very first request.

moto verifies a SigV4 signature only against keys of IAM users it knows. The local stack hands out fixed keys;
registering them here (in-process, not through the API) lets the bootstrap, the demo and the AWS CLI sign
requests that moto then really checks.
"""
import json

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.iam.models import iam_backends

USER_NAME = "local-stack"
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def register(access_key_id, secret_access_key, account_id=DEFAULT_ACCOUNT_ID):
    backend = iam_backends[account_id]["aws"]
    backend.create_user(region_name="us-east-1", user_name=USER_NAME)
    backend.put_user_policy(USER_NAME, "allow-all", ALLOW_ALL)
    key = backend.create_access_key(USER_NAME)
    backend.access_keys.pop(key.physical_resource_id, None)
    key.access_key_id = access_key_id
    key.secret_access_key = secret_access_key
    backend.access_keys[key.physical_resource_id] = key
