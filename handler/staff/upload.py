"""Writing one large object to S3 as a stream, and handing out a short-lived link to it.

`MultipartUpload` is a write-only, non-seekable binary file: what is written goes to S3 in parts
of PART_SIZE bytes (S3's minimum is 5 MiB, except the last), so an export of any size holds one
part in memory. zipfile and openpyxl write to it like to any unseekable stream (zip data
descriptors). A failure aborts the upload: no partial object is left, and S3 bills no parts.
"""

from __future__ import annotations

import io
from typing import Any

from handler.platform.storage import DossierStore

PART_SIZE = 5 * 1024 * 1024  # S3's minimum: the least memory held (issue 18)
LINK_SECONDS = 300


class MultipartUpload(io.RawIOBase):
    """A binary stream into one S3 object, uploaded in parts as it grows."""

    def __init__(self, store: DossierStore, key: str, *, content_type: str,
                 part_size: int = PART_SIZE) -> None:
        super().__init__()
        self.client, self.bucket, self.key = store.client, store.bucket, key
        self.part_size = part_size
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._position = 0
        self._upload_id = str(self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=content_type)["UploadId"])

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._position

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._buffer += chunk
        self._position += len(chunk)
        while len(self._buffer) >= self.part_size:
            # The buffer itself goes as the part (no copy of 5 MiB): what lies beyond the part
            # (less than one write) starts the next buffer.
            part, self._buffer = self._buffer, self._buffer[self.part_size:]
            del part[self.part_size:]
            self._send(part)
        return len(chunk)

    def _send(self, body: bytes | bytearray) -> None:
        number = len(self._parts) + 1
        answer = self.client.upload_part(Bucket=self.bucket, Key=self.key, Body=body,
                                         UploadId=self._upload_id, PartNumber=number)
        self._parts.append({"ETag": answer["ETag"], "PartNumber": number})

    def complete(self) -> int:
        """Send the last part and make the object; its size in bytes."""
        if self._buffer or not self._parts:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=self.key, UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts})
        return self._position

    def abort(self) -> None:
        """Give the upload up: S3 drops the parts sent."""
        self.client.abort_multipart_upload(Bucket=self.bucket, Key=self.key,
                                           UploadId=self._upload_id)


def download_link(store: DossierStore, key: str, *, filename: str,
                  seconds: int = LINK_SECONDS) -> str:
    """A presigned GET of `key`, valid `seconds`, downloaded under `filename`."""
    return str(store.client.generate_presigned_url(
        "get_object",
        Params={"Bucket": store.bucket, "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"'},
        ExpiresIn=seconds))
