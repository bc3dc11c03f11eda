"""Uploads handed in with a case: the type by content, the size limit, and the services that store
the files with the case action all or nothing (issue: Citizen portal, "materials upload")."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import empty

from tests.cases.helpers import AT, applicant_payload
from zhengwu.cases import files, services
from zhengwu.cases.models import Case, CaseFile, private_storage
from zhengwu.core.errors import NotFound, ValidationFailed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buffer.getvalue()


OFD = zip_bytes("OFD.xml", "Doc_0/Document.xml")


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def fresh_private_storage(private_root):
    """The private storage is built lazily from VAR_DIR: rebuild it for this test's VAR_DIR."""
    private_storage._wrapped = empty
    yield
    private_storage._wrapped = empty


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "private").rglob("*") if p.is_file()]


# --- sniff ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (OFD, "application/ofd"),
        (b"", None),
        (EXE, None),
        (HTML, None),
        (b"PK\x03\x04", None),  # a zip header cut short
        (zip_bytes("word/document.xml"), None),  # a zip that is not an OFD package
        (zip_bytes("Doc_0/Document.xml", "OFD.xml"), None),  # root not first: not verifiable
        (b"%PDF", None),  # not the whole signature
        (b"\x89PNG\r\n", None),
        (b"\xff\xd8", None),
        (b"GIF89a" + b"\x00" * 20, None),
        (b" %PDF-1.4", None),  # the signature must open the file
    ],
)
def test_sniff_reads_only_the_leading_bytes(head, expected):
    assert files.sniff(head) == expected


@pytest.mark.parametrize(
    ("name", "content", "browser_type", "expected"),
    [
        ("scan.pdf", PNG, "application/pdf", "image/png"),  # the name does not decide
        ("photo.jpg", PDF, "image/jpeg", "application/pdf"),
        ("licence.ofd", OFD, "application/octet-stream", "application/ofd"),
        ("no-extension", JPEG, "", "image/jpeg"),
    ],
)
def test_check_upload_types_by_content(name, content, browser_type, expected):
    content_type, sha256, size = files.check_upload(upload(name, content, browser_type))
    assert content_type == expected
    assert size == len(content)
    assert len(sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "browser_type"),
    [
        ("setup.pdf", EXE, "application/pdf"),  # an .exe named .pdf
        ("photo.jpg", HTML, "image/jpeg"),  # an HTML page named .jpg
        ("doc.ofd", zip_bytes("word/document.xml"), "application/ofd"),
        ("broken.ofd", OFD[:200], "application/ofd"),  # OFD.xml first, but no readable package
    ],
)
def test_check_upload_refuses_disguised_files(name, content, browser_type):
    with pytest.raises(ValidationFailed) as error:
        files.check_upload(upload(name, content, browser_type))
    assert list(error.value.errors) == ["file"]


def test_check_upload_refuses_an_empty_file():
    with pytest.raises(ValidationFailed) as error:
        files.check_upload(upload("empty.pdf", b""))
    assert list(error.value.errors) == ["file"]


def test_check_upload_refuses_a_file_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100
    files.check_upload(upload("small.pdf", PDF.ljust(100, b" ")))
    with pytest.raises(ValidationFailed) as error:
        files.check_upload(upload("big.pdf", PDF.ljust(101, b" ")))
    assert list(error.value.errors) == ["file"]


def test_check_upload_counts_what_it_reads_not_the_declared_size(settings):
    settings.UPLOAD_MAX_BYTES = 100
    lying = upload("big.pdf", PDF.ljust(500, b" "))
    lying.size = 10
    with pytest.raises(ValidationFailed):
        files.check_upload(lying)


def test_clean_name_drops_folders_and_control_characters():
    assert files.clean_name("../../etc/passwd") == "passwd"
    assert files.clean_name("C:\\Users\\张三\\身份证.pdf") == "身份证.pdf"
    assert files.clean_name("a\x00b\nc.pdf") == "abc.pdf"
    assert files.clean_name("") == "file"
    assert len(files.clean_name("x" * 400 + ".pdf")) == 255


# --- apply_online / supplement_online ------------------------------------------------------------


def person(citizen_id: str, **overrides) -> services.ApplicantInput:
    return services.ApplicantInput(**applicant_payload(id_number=citizen_id, **overrides))


def test_apply_online_stores_the_case_and_its_files(
    item, citizen, citizen_id, travel, private_root, settings
):
    travel(AT("2025-09-30 10:00"))
    case = files.apply_online(
        actor=citizen,
        item=item,
        applicant=person(citizen_id),
        files={
            "M01": [upload("申请书.pdf", PDF), upload("申请书第二页.png", PNG, "image/png")],
            "M03": [upload("委托书.jpg", JPEG, "image/jpeg")],
        },
    )
    assert case.channel == "online"
    assert case.owner == citizen
    assert case.materials == ["M01", "M03"]
    rows = list(CaseFile.objects.filter(case=case).order_by("id"))
    assert [(r.material_code, r.content_type) for r in rows] == [
        ("M01", "application/pdf"),
        ("M01", "image/png"),
        ("M03", "image/jpeg"),
    ]
    for row in rows:
        path = Path(row.file.path).resolve()
        assert path.is_relative_to((private_root / "private").resolve())
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
        assert row.sha256 in path.name
        assert row.uploaded_by == citizen


def test_apply_online_with_one_bad_file_writes_nothing(item, citizen, citizen_id, travel):
    travel(AT("2025-09-30 10:00"))
    with pytest.raises(ValidationFailed) as error:
        files.apply_online(
            actor=citizen,
            item=item,
            applicant=person(citizen_id),
            files={"M01": [upload("a.pdf", PDF)], "M02": [upload("b.pdf", EXE)]},
        )
    assert "files.M02" in error.value.errors
    assert not Case.objects.exists()
    assert not CaseFile.objects.exists()


def test_apply_online_without_files_is_refused(item, citizen, citizen_id, travel):
    travel(AT("2025-09-30 10:00"))
    with pytest.raises(ValidationFailed) as error:
        files.apply_online(actor=citizen, item=item, applicant=person(citizen_id), files={})
    assert "files" in error.value.errors
    assert not Case.objects.exists()


def test_an_unknown_material_leaves_nothing_behind(item, citizen, citizen_id, travel, private_root):
    """The files are good but the case cannot be filed: the transaction rolls back and nothing is
    left on disk."""
    travel(AT("2025-09-30 10:00"))
    with pytest.raises(ValidationFailed) as error:
        files.apply_online(
            actor=citizen,
            item=item,
            applicant=person(citizen_id),
            files={"M01": [upload("a.pdf", PDF)], "M99": [upload("b.pdf", PDF)]},
        )
    assert "materials" in error.value.errors
    assert not Case.objects.exists()
    assert not CaseFile.objects.exists()
    assert stored_files(private_root) == []


class BreaksOnSecondRead(SimpleUploadedFile):
    """An upload whose storage copy fails (a full disk, a dropped temporary file)."""

    reads = 0

    def chunks(self, chunk_size=None):
        self.reads += 1
        if self.reads > 1:
            yield self.read(10)
            raise OSError("no space left on device")
        yield from super().chunks(chunk_size)


def test_a_write_failure_removes_every_file_written(
    item, citizen, citizen_id, travel, private_root
):
    travel(AT("2025-09-30 10:00"))
    broken = BreaksOnSecondRead("b.pdf", PDF, content_type="application/pdf")
    with pytest.raises(OSError):
        files.apply_online(
            actor=citizen,
            item=item,
            applicant=person(citizen_id),
            files={"M01": [upload("a.pdf", PDF)], "M02": [broken]},
        )
    assert not Case.objects.exists()
    assert not CaseFile.objects.exists()
    assert stored_files(private_root) == []


def test_an_invalid_id_number_leaves_nothing_behind(item, citizen, travel, private_root):
    travel(AT("2025-09-30 10:00"))
    with pytest.raises(ValidationFailed) as error:
        files.apply_online(
            actor=citizen,
            item=item,
            applicant=person("110101199001010000"),
            files={"M01": [upload("a.pdf", PDF)]},
        )
    assert "applicant.id_number" in error.value.errors
    assert not Case.objects.exists()
    assert stored_files(private_root) == []


def test_supplement_online_after_a_one_time_notice(
    item, citizen, citizen_id, clerk, travel, private_root
):
    travel(AT("2025-09-30 10:00"))
    case = files.apply_online(
        actor=citizen,
        item=item,
        applicant=person(citizen_id),
        files={"M01": [upload("a.pdf", PDF)]},
    )
    travel(AT("2025-10-09 10:00"))
    services.act(
        actor=clerk,
        number=case.number,
        action="request_supplement",
        data={"missing": ["M02"], "note": "营业执照需加盖公章"},
    )
    case = files.supplement_online(
        actor=citizen,
        number=case.number,
        files={"M02": [upload("执照.png", PNG, "image/png")]},
    )
    assert case.state == "submitted"
    assert case.materials == ["M01", "M02"]
    assert case.missing == []
    assert list(case.files.values_list("material_code", flat=True)) == ["M01", "M02"]
    assert len(stored_files(private_root)) == 2


def test_supplement_online_is_for_the_owner_only(
    item, citizen, citizen_id, clerk, other_citizen, travel, private_root
):
    travel(AT("2025-09-30 10:00"))
    case = files.apply_online(
        actor=citizen,
        item=item,
        applicant=person(citizen_id),
        files={"M01": [upload("a.pdf", PDF)]},
    )
    services.act(
        actor=clerk, number=case.number, action="request_supplement", data={"missing": ["M02"]}
    )
    for stranger in (other_citizen, clerk):
        with pytest.raises(NotFound):
            files.supplement_online(
                actor=stranger, number=case.number, files={"M02": [upload("b.pdf", PDF)]}
            )
    assert CaseFile.objects.count() == 1
    assert len(stored_files(private_root)) == 1


def test_a_stale_version_stores_no_file(item, citizen, citizen_id, clerk, travel, private_root):
    travel(AT("2025-09-30 10:00"))
    case = files.apply_online(
        actor=citizen,
        item=item,
        applicant=person(citizen_id),
        files={"M01": [upload("a.pdf", PDF)]},
    )
    seen = case.version
    services.act(
        actor=clerk, number=case.number, action="request_supplement", data={"missing": ["M02"]}
    )
    with pytest.raises(Exception) as error:
        files.supplement_online(
            actor=citizen,
            number=case.number,
            files={"M02": [upload("b.pdf", PDF)]},
            version=seen,
        )
    assert getattr(error.value, "code", "") == "stale_version"
    assert CaseFile.objects.count() == 1
    assert len(stored_files(private_root)) == 1
