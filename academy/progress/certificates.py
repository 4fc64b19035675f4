"""Certificate codes: short enough to type, too many to guess (80 random bits)."""

import base64
import secrets

PREFIX = "AFA"


def new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 16 characters
    return "-".join([PREFIX, raw[0:4], raw[4:8], raw[8:12], raw[12:16]])


def normalise(code: str) -> str:
    return code.strip().upper()
