from __future__ import annotations

from django import forms

from zerocrop.core.sizes import mb
from zerocrop.core.upload_fields import UploadField
from zerocrop.field.bundle_files import MAX_BUNDLE_BYTES


class BundleForm(forms.Form):
    file = UploadField(
        label="离线数据包",
        help_text=(
            "外业应用「待上传」页面导出的“外业数据”压缩包（.zip），"
            f"不超过 {mb(MAX_BUNDLE_BYTES)}；重复导入不会重复入库"
        ),
        error_messages={"required": "请选择要导入的离线数据包"},
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".zip"}),
    )
