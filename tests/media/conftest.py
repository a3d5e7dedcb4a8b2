"""Fixtures for the media tests: a configuration with a biometrics key outside the data folder
and paths to the shared face and voice data."""

from __future__ import annotations

from pathlib import Path

import pytest

FACES = "faces/ageitgey_face_recognition"
LIBRI = "audio/resemblyzer/librispeech_test-other"


@pytest.fixture
def faces_dir(shared_data: Path) -> Path:
    return shared_data / FACES


@pytest.fixture
def libri_dir(shared_data: Path) -> Path:
    return shared_data / LIBRI
