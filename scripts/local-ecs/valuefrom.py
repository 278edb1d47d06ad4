"""Container `secrets`: values from moto's Secrets Manager and SSM Parameter Store, as the ECS agent fetches them."""
import json

from moto.secretsmanager.models import secretsmanager_backends
from moto.ssm.models import ssm_backends


class SecretUnavailable(Exception):
    """A `valueFrom` that cannot be resolved; the task then fails to start, as on ECS."""


def resolve(value_from, account_id, region):
    if value_from.startswith("arn:") and value_from.split(":")[2:3] == ["secretsmanager"]:
        return _secrets_manager(value_from)
    return _parameter(value_from, account_id, region)


def _secrets_manager(value_from):
    # arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key[:version-stage[:version-id]]]
    parts = value_from.split(":")
    if len(parts) < 7 or parts[5] != "secret":
        raise SecretUnavailable(f"invalid Secrets Manager ARN in valueFrom: {value_from}")
    arn = ":".join(parts[:7])
    json_key, stage, version = (parts[7:10] + ["", "", ""])[:3]
    region, account = parts[3], parts[4]
    backend = secretsmanager_backends[account][region]
    try:
        value = backend.get_secret_value(arn, version or None, stage or None)
    except Exception as error:  # moto raises its own JSON errors; their text is what ECS would show
        raise SecretUnavailable(
            "ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secret "
            f"from asm: {_message(error)} (secret {arn})"
        ) from None
    text = value.get("SecretString")
    if text is None:
        raise SecretUnavailable(f"ResourceInitializationError: secret {arn} has no SecretString")
    if not json_key:
        return text
    try:
        document = json.loads(text)
    except ValueError:
        raise SecretUnavailable(
            f"ResourceInitializationError: secret {arn} is not JSON, so json key {json_key} cannot be read"
        ) from None
    if not isinstance(document, dict) or json_key not in document:
        raise SecretUnavailable(
            f"ResourceInitializationError: retrieved secret from Secrets Manager did not contain json key {json_key}"
        )
    field = document[json_key]
    return field if isinstance(field, str) else json.dumps(field)


def _parameter(value_from, account_id, region):
    # A full SSM ARN names its own account and region; a bare name is in the task's.
    if value_from.startswith("arn:"):
        parts = value_from.split(":")
        region, account_id = parts[3], parts[4]
    backend = ssm_backends[account_id][region]
    try:
        parameter = backend.get_parameter(value_from)
    except Exception as error:
        raise SecretUnavailable(f"ResourceInitializationError: unable to get parameter {value_from}: {_message(error)}") from None
    if parameter is None:
        raise SecretUnavailable(
            "ResourceInitializationError: unable to pull secrets or registry auth: unable to retrieve secrets "
            f"from ssm: invalid parameters: {value_from}"
        )
    return parameter.decrypt(parameter.value)


def _message(error):
    code = getattr(error, "error_type", None) or type(error).__name__
    text = getattr(error, "message", None) or str(error)
    return f"{code}: {text}"
