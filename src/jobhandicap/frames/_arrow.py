"""Byte-level fast paths over Arrow-backed text columns (private; used by the validators).

pandas 3 reads CSV text into Arrow string arrays: one buffer of UTF-8 bytes and one of offsets.
The questions validation asks of millions of such cells are answered here without a Python
string per cell:

- :func:`text_hashes`: 64-bit hashes, equal for equal texts (the duplicate-key check), computed
  with NumPy straight from those buffers;
- :func:`spelling_positions`: which of a few known spellings each cell is (the labels of a
  category column), one Arrow set lookup per cell;
- :func:`dictionary_codes`: codes and distinct texts (what ``pandas.factorize`` gives), from
  Arrow's dictionary encoding with the codes kept in 32 bits;
- :func:`blank_texts`: the missing, empty and whitespace-only cells.

Each answers ``None`` when it does not apply (no pyarrow, not Arrow-backed text); the callers
then take their general, per-unique-value path, which gives the same result
(``tests/test_read_fast_paths.py`` checks that they agree).
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "blank_texts",
    "dictionary_codes",
    "holds_ascii",
    "mix",
    "spelling_positions",
    "text_hashes",
]

#: Odd 64-bit constant of the multiplicative hash (2**64 / golden ratio).
_MIX = np.uint64(0x9E3779B97F4A7C15)
#: Longest cell (in UTF-8 bytes) that :func:`text_hashes` hashes; longer text is factorised.
_MAX_HASHED_BYTES = 64
#: ``_BYTE_MASKS[k]`` keeps the first ``k`` bytes (in memory order) of a 64-bit word.
_BYTE_MASKS = np.array(
    [int.from_bytes(b"\xff" * k + b"\x00" * (8 - k), sys.byteorder) for k in range(9)],
    dtype=np.uint64,
)


def mix(
    hashes: npt.NDArray[np.uint64], scratch: npt.NDArray[np.uint64] | None = None
) -> npt.NDArray[np.uint64]:
    """Spread the bits of 64-bit hashes in place (a multiply-xorshift finaliser).

    ``scratch``, an array of the same shape, saves allocating a temporary.
    """
    hashes *= _MIX
    hashes ^= np.right_shift(hashes, np.uint64(29), out=scratch)
    return hashes


class _TextBuffers:
    """The offsets and bytes of an Arrow text array, as NumPy arrays."""

    __slots__ = ("data", "offsets", "valid")

    def __init__(self, offsets: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], valid: Any):
        #: ``n + 1`` offsets into ``data``, the first one zero.
        self.offsets = offsets
        #: The cells' UTF-8 bytes, back to back.
        self.data = data
        #: Boolean mask of present cells, or ``None`` when no cell is missing.
        self.valid = valid


def _arrow(values: Any) -> Any:
    """The Arrow array (possibly chunked) behind an Arrow-backed pandas text array, or ``None``."""
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.StringDtype) or "pyarrow" not in str(dtype.storage):
        return None
    import pyarrow as pa

    array = pa.array(values)
    text_type = array.type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        return None  # pragma: no cover - pandas keeps its text as (large) strings
    return array


def _buffers(array: Any) -> _TextBuffers:
    """The buffers of one (unchunked) Arrow text array, as NumPy arrays."""
    import pyarrow as pa

    n = len(array)
    _, offset_buffer, data_buffer = array.buffers()
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets: npt.NDArray[np.int64]
    if offset_buffer is None:
        offsets = np.zeros(n + 1, dtype=np.int64)
    else:
        window = slice(array.offset, array.offset + n + 1)
        offsets = np.frombuffer(offset_buffer, dtype=offset_type)[window].astype(
            np.int64, copy=False
        )
    start, stop = (int(offsets[0]), int(offsets[-1])) if n else (0, 0)
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)[start:stop]
        if data_buffer is not None and stop > start
        else np.zeros(0, dtype=np.uint8)
    )
    valid = (
        np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if array.null_count
        else None
    )
    return _TextBuffers(offsets - start if start else offsets, data, valid)


def text_hashes(values: Any) -> npt.NDArray[np.uint64] | None:
    """64-bit hashes of the cells of an Arrow-backed text array without missing cells.

    Equal texts have equal hashes: the UTF-8 bytes of a cell, zero-padded to whole 64-bit
    words, are hashed word by word after its length (``h = mix(length)``, then
    ``h = mix(h ^ word)`` for each word). ``None`` when the array is not Arrow-backed, has
    missing cells or holds a cell longer than :data:`_MAX_HASHED_BYTES`. Chunks are hashed
    one at a time, from their own buffers.
    """
    array = _arrow(values)
    if array is None or array.null_count:
        return None
    import pyarrow as pa

    hashes = np.empty(len(array), dtype=np.uint64)
    first = 0
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        n = len(chunk)
        if n and not _hash_chunk(_buffers(chunk), hashes[first : first + n]):
            return None
        first += n
    return hashes


def _hash_chunk(buffers: _TextBuffers, out: npt.NDArray[np.uint64]) -> bool:
    """Hash the cells of one chunk into ``out``; ``False`` if a cell is too long."""
    offsets, data = buffers.offsets, buffers.data
    n = len(out)
    lengths = np.diff(offsets)
    longest, shortest = int(lengths.max()), int(lengths.min())
    if longest > _MAX_HASHED_BYTES:
        return False
    words = max(1, -(-longest // 8))
    scratch = np.empty(n, dtype=np.uint64)
    if shortest == longest > 0:
        # Cells of one length lie at a fixed stride: their k-th words are a strided view. The
        # last cells' words would reach past the bytes: they are read from a padded copy.
        inside = min(n, max(0, (len(data) - 8 * words) // longest + 1))
        _hash_fixed(data, longest, words, out[:inside], scratch[:inside])
        tail = np.zeros((n - inside) * longest + 8 * words, dtype=np.uint8)
        tail[: (n - inside) * longest] = data[inside * longest :]
        _hash_fixed(tail, longest, words, out[inside:], scratch[inside:])
        return True
    # Every byte position as the start of an (unaligned) 64-bit word.
    padded = np.zeros(len(data) + 8 * words, dtype=np.uint8)
    padded[: len(data)] = data
    word_at = np.ndarray((len(padded) - 7,), dtype=np.uint64, buffer=padded.data, strides=(1,))
    firsts = offsets[:-1]
    np.copyto(out, lengths, casting="unsafe")
    mix(out, scratch)
    for k in range(words):
        word = word_at[firsts + 8 * k]
        if shortest < 8 * (k + 1):  # keep only the cell's own bytes of this word
            word &= _BYTE_MASKS[np.clip(lengths - 8 * k, 0, 8)]
        out ^= word
        mix(out, scratch)
    return True


def _hash_fixed(
    data: npt.NDArray[np.uint8],
    length: int,
    words: int,
    out: npt.NDArray[np.uint64],
    scratch: npt.NDArray[np.uint64],
) -> None:
    """:func:`text_hashes` of ``len(out)`` cells of ``length`` bytes, back to back in ``data``."""
    n = len(out)
    if not n:
        return
    out[:] = mix(np.array([length], dtype=np.uint64))[0]
    for k in range(words):
        word = np.ndarray((n,), dtype=np.uint64, buffer=data.data, offset=8 * k, strides=(length,))
        if length < 8 * (k + 1):
            word = np.bitwise_and(word, _BYTE_MASKS[length - 8 * k], out=scratch)
        out ^= word
        mix(out, scratch)


@functools.cache
def _value_set(spellings: tuple[str, ...], large: bool) -> Any:
    """``spellings`` and a missing value last, as an Arrow array of the column's text type."""
    import pyarrow as pa

    return pa.array([*spellings, None], type=pa.large_string() if large else pa.string())


def spelling_positions(values: Any, spellings: tuple[str, ...]) -> npt.NDArray[np.int32] | None:
    """Which of ``spellings`` each cell of an Arrow-backed text array is, exactly.

    Returns
    -------
    numpy.ndarray or None
        The position in ``spellings`` of every cell's text; ``len(spellings)`` for a missing
        cell and ``len(spellings) + 1`` for any other text. ``None`` when the array is not
        Arrow text.

    Notes
    -----
    One hash lookup per cell in Arrow's ``index_in`` kernel: cheaper than factorising the
    column (which builds its table of distinct values as it goes), and no Python object per
    cell. A missing cell finds the missing value that ends the value set.
    """
    array = _arrow(values)
    if array is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = _value_set(spellings, pa.types.is_large_string(array.type))
    found = pc.index_in(array, options=pc.SetLookupOptions(value_set, skip_nulls=False))
    if found.null_count:  # cells spelled otherwise
        found = pc.fill_null(found, len(spellings) + 1)
    return np.asarray(found.to_numpy(), dtype=np.int32)


def dictionary_codes(values: Any) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.object_]] | None:
    """Codes (-1 for a missing cell) and distinct texts of an Arrow-backed text array.

    What :func:`pandas.factorize` gives, from Arrow's dictionary encoding, but with the codes
    kept in 32 bits. ``None`` when the array is not Arrow text.
    """
    array = _arrow(values)
    if array is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    # Missing cells get a code of their own (no null indices to fill), made -1 below.
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    if isinstance(encoded, pa.ChunkedArray):
        encoded = (
            encoded.combine_chunks()
            if encoded.num_chunks
            else pa.array([], type=pa.dictionary(pa.int32(), array.type))
        )
    codes: npt.NDArray[np.int32] = np.asarray(encoded.indices.to_numpy(), dtype=np.int32)
    texts = encoded.dictionary.to_pylist()
    if None in texts:
        missing = texts.index(None)
        del texts[missing]
        # One gather renumbers: the missing code becomes -1, the codes after it close up.
        renumber = np.arange(-1, len(texts), dtype=np.int32)
        renumber[: missing + 1] = np.arange(missing + 1, dtype=np.int32)
        renumber[missing] = -1
        codes = renumber[codes]
    return codes, np.asarray(texts, dtype=object)


def blank_texts(values: Any) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None:
    """Missing cells, and cells that are empty or only whitespace, of Arrow-backed text.

    Returns ``(missing or blank, blank)`` as NumPy masks; ``None`` when the array is not
    Arrow text.
    """
    array = _arrow(values)
    if array is None:
        return None
    import pyarrow.compute as pc

    blank_or_null = pc.or_kleene(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
    blank = np.asarray(pc.fill_null(blank_or_null, False).to_numpy(zero_copy_only=False), bool)
    if not array.null_count:
        return blank, blank.copy()
    missing = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    return missing | blank, blank


def holds_ascii(values: Any, characters: str) -> bool | None:
    """Whether any cell of an Arrow-backed text array holds one of the ASCII ``characters``.

    One pass of NumPy over the arrays' UTF-8 bytes (an ASCII byte is never part of another
    character there). ``None`` when the array is not Arrow text.
    """
    array = _arrow(values)
    if array is None:
        return None
    import pyarrow as pa

    wanted = np.frombuffer(characters.encode("ascii"), dtype=np.uint8)
    for chunk in array.chunks if isinstance(array, pa.ChunkedArray) else [array]:
        if len(chunk) and np.isin(_buffers(chunk).data, wanted).any():
            return True
    return False
