"""Values as plain data between the student kernel and the test kernel.

:func:`encode` turns a value into JSON-able data; :func:`decode` turns such data back into a
value built only from trusted types: ``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``,
``bytes``, ``list``, ``tuple``, ``dict``, ``set``, ``frozenset``, ``range``, ``slice``,
``Ellipsis``, ``datetime``/``date``/``time``/``timedelta``, ``Decimal``, ``Fraction``, numpy
arrays, scalars and dtypes (never object pointers), pandas ``Series``/``DataFrame``/``Index``/
``Timestamp``/``Timedelta``/``NaT``/``NA``, modules and classes named by their import path, and
two stand-ins: a *remote function* (calls go back to the student kernel) and an
:class:`Opaque` value for anything else (it equals nothing and supports no operation).

Decoding never runs code that came from the other side: no pickle, no ``eval``, no object
arrays from raw memory; sizes and nesting depth are bounded.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import fractions
import importlib
import json
import sys

# Captured at import time: the student kernel imports this module before any student code runs,
# so later changes to builtins or these modules do not change how answers are encoded.
_type, _isinstance, _issubclass, _len, _repr = type, isinstance, issubclass, len, repr
_list, _tuple, _dict, _set, _frozenset = list, tuple, dict, set, frozenset
_int, _float, _str, _bool, _bytes, _bytearray, _complex = int, float, str, bool, bytes, bytearray, complex
_range, _slice, _callable, _getattr, _hasattr, _object = range, slice, callable, getattr, hasattr, object
_b64encode, _b64decode = base64.b64encode, base64.b64decode
_dumps, _loads = json.dumps, json.loads
_modules = sys.modules
_Decimal, _Fraction = decimal.Decimal, fractions.Fraction
_date, _datetime, _time, _timedelta = _dt.date, _dt.datetime, _dt.time, _dt.timedelta
_EllipsisType, _NotImplementedType = _type(Ellipsis), _type(NotImplemented)
_ModuleType = _type(sys)
_ITERATORS = (
    _type(x for x in ()),
    map,
    filter,
    zip,
    enumerate,
    reversed,
    _type({}.keys()),
    _type({}.values()),
    _type({}.items()),
    _type(iter([])),
    _type(iter(())),
    _type(iter(range(0))),
)
MAX_ITEMS = 1_000_000

MAX_DEPTH = 64
SAFE_ARRAY_KINDS = "biufcmMSU"
ALLOWED_TYPE_MODULES = ("builtins", "numpy", "pandas", "datetime", "decimal", "fractions", "collections", "math")


def module_allowed(name: str) -> bool:
    """Modules a value may name across the link: the data libraries and the course's public
    modules (never ``__main__``, the sandbox, IPython, or anything else)."""
    if not _isinstance(name, _str) or not all(p.isidentifier() for p in name.split(".")):
        return False
    top = name.split(".")[0]
    if top == "alignlessons":
        return not (
            name.startswith("alignlessons.sandbox")
            or name in ("alignlessons.grading", "alignlessons.course", "alignlessons.cli", "alignlessons.tooling")
        )
    return top in ALLOWED_TYPE_MODULES and top != "builtins"


class CodecError(ValueError):
    """Data that cannot be encoded or decoded safely."""


class Opaque:
    """Stand-in for a value of a type that cannot cross between kernels (e.g. an instance of a
    class the student defined). It is unequal to everything and supports no operation, so a
    test that inspects it fails."""

    __slots__ = ("type_name", "text")

    def __init__(self, type_name: str, text: str = ""):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return f"<value of type {self.type_name} (not a plain value, cannot be checked)>"

    __str__ = __repr__

    def __eq__(self, other):
        return other is self

    def __hash__(self):
        return _object.__hash__(self)


def _np():
    return _modules.get("numpy")


def _pd():
    return _modules.get("pandas")


def _array_ok(dtype) -> bool:
    return dtype.kind in SAFE_ARRAY_KINDS and not dtype.hasobject


class Encoder:
    """Encode values; ``register`` turns a callable into a reference number (student side)."""

    def __init__(self, register=None, max_nodes: int = 2_000_000):
        self.register = register
        self.nodes = 0
        self.max_nodes = max_nodes

    def __call__(self, obj):
        return self.encode(obj, 0)

    def encode(self, obj, depth: int):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > self.max_nodes:
            raise CodecError("value too deeply nested or too large")
        t = _type(obj)
        if obj is None or t is _bool or t is _str:
            return obj
        if t is _int:
            return obj if -(1 << 62) < obj < (1 << 62) else {"$t": "int", "hex": hex(obj)}
        if t is _float:
            return obj
        np, pd = _np(), _pd()
        if pd is not None:
            enc = self._pandas(obj, t, pd, np, depth)
            if enc is not None:
                return enc
        if np is not None:
            if _isinstance(obj, np.ndarray):
                return self._array(np.asarray(obj), np, depth)
            if _isinstance(obj, np.generic):
                dtype = obj.dtype
                if _array_ok(dtype):
                    return {"$t": "npscalar", "dtype": dtype.str, "b64": _b64encode(np.asarray(obj).tobytes()).decode()}
                return self.encode(obj.item(), depth + 1)
            if _isinstance(obj, np.dtype):
                return {"$t": "npdtype", "v": obj.str} if _array_ok(obj) else self._opaque(obj)
        # Subclasses of plain types are sent as the plain value.
        if _isinstance(obj, _bool):
            return _bool(_int.__int__(obj))
        if _isinstance(obj, _int):
            return self.encode(_int.__int__(obj), depth)
        if _isinstance(obj, _float):
            return _float.__float__(obj)
        if _isinstance(obj, _str):
            return _str.__str__(obj)
        if _isinstance(obj, _complex):
            return {"$t": "complex", "v": [_complex.__complex__(obj).real, _complex.__complex__(obj).imag]}
        if _isinstance(obj, (_bytes, _bytearray)):
            return {"$t": "bytes" if _isinstance(obj, _bytes) else "bytearray", "b64": _b64encode(_bytes(obj)).decode()}
        if _isinstance(obj, _dict):
            return {
                "$t": "dict",
                "v": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in _dict.items(obj)],
            }
        for kind, tag in ((_list, "list"), (_tuple, "tuple"), (_frozenset, "frozenset"), (_set, "set")):
            if _isinstance(obj, kind):
                return {"$t": tag, "v": [self.encode(v, depth + 1) for v in kind.__iter__(obj)]}
        if t is _range:
            return {"$t": "range", "v": [obj.start, obj.stop, obj.step]}
        if _isinstance(obj, _ITERATORS):  # generators, map objects, dict views: their items
            items = []
            for item in obj:
                if _len(items) >= MAX_ITEMS:
                    raise CodecError("too many items")
                items.append(self.encode(item, depth + 1))
            return {"$t": "list", "v": items}
        if t is _slice:
            return {"$t": "slice", "v": [self.encode(x, depth + 1) for x in (obj.start, obj.stop, obj.step)]}
        if t is _EllipsisType:
            return {"$t": "ellipsis"}
        if t is _NotImplementedType:
            return {"$t": "notimplemented"}
        if _isinstance(obj, _datetime):
            return {"$t": "datetime", "iso": _datetime.isoformat(obj)}
        if _isinstance(obj, _date):
            return {"$t": "date", "iso": _date.isoformat(obj)}
        if _isinstance(obj, _time):
            return {"$t": "time", "iso": _time.isoformat(obj)}
        if _isinstance(obj, _timedelta):
            return {"$t": "timedelta", "v": [obj.days, obj.seconds, obj.microseconds]}
        if _isinstance(obj, _Decimal):
            return {"$t": "decimal", "v": _str(obj)}
        if _isinstance(obj, _Fraction):
            return {
                "$t": "fraction",
                "v": [self.encode(_int(obj.numerator), depth + 1), self.encode(_int(obj.denominator), depth + 1)],
            }
        if t is _ModuleType:
            return {"$t": "module", "name": _str(obj.__name__)}
        if _isinstance(obj, _type):
            module, qualname = _getattr(obj, "__module__", ""), _getattr(obj, "__qualname__", "")
            if _isinstance(module, _str) and module.split(".")[0] in ALLOWED_TYPE_MODULES:
                return {"$t": "type", "module": module, "qualname": qualname}
        if _callable(obj) and self.register is not None:
            return self._callable(obj)
        return self._opaque(obj)

    def _callable(self, obj):
        """A reference to a student's function, with its name, source text and signature
        (so that tests may call it, and inspect it as they would in one kernel)."""
        name = _getattr(obj, "__name__", None)
        out = {
            "$t": "callable",
            "ref": self.register(obj),
            "name": name if _isinstance(name, _str) and name.isidentifier() else "function",
        }
        try:
            import inspect

            source = inspect.getsource(obj)
            if _isinstance(source, _str) and _len(source) <= 200_000:
                out["source"] = source
        except Exception:  # noqa: BLE001 - builtins and lambdas in odd places have no source
            pass
        try:
            import inspect

            params = []
            for p in inspect.signature(obj).parameters.values():
                entry = [p.name, _int(p.kind)]
                if p.default is not inspect.Parameter.empty:
                    try:
                        entry.append(Encoder()(p.default))
                    except Exception:  # noqa: BLE001
                        entry.append({"$t": "opaque", "type": "default", "repr": ""})
                params.append(entry)
            out["signature"] = params
        except Exception:  # noqa: BLE001
            pass
        doc = _getattr(obj, "__doc__", None)
        if _isinstance(doc, _str):
            out["doc"] = doc[:10_000]
        return out

    def _opaque(self, obj):
        text = ""
        if self.register is not None:  # the student's own value: its repr helps the grader
            try:
                text = _repr(obj)[:200]
            except Exception:  # noqa: BLE001 - a student's __repr__ may fail
                text = ""
        return {"$t": "opaque", "type": _str(_getattr(_type(obj), "__name__", "object")), "repr": text}

    def _array(self, arr, np, depth):
        if _array_ok(arr.dtype):
            return {
                "$t": "ndarray",
                "dtype": arr.dtype.str,
                "shape": _list(arr.shape),
                "b64": _b64encode(np.ascontiguousarray(arr).tobytes()).decode(),
            }
        return {
            "$t": "ndarray_obj",
            "shape": _list(arr.shape),
            "v": [self.encode(x, depth + 1) for x in arr.ravel().tolist()],
        }

    def _values(self, values, np, depth):
        arr = np.asarray(values)
        return self._array(arr, np, depth)

    def _pandas(self, obj, t, pd, np, depth):
        if obj is pd.NaT:
            return {"$t": "nat"}
        if obj is pd.NA:
            return {"$t": "pdna"}
        if _isinstance(obj, pd.Timestamp):
            return {"$t": "timestamp", "iso": obj.isoformat()}
        if _isinstance(obj, pd.Timedelta):
            return {"$t": "pdtimedelta", "ns": _int(obj.value)}
        if _isinstance(obj, pd.MultiIndex):
            return {
                "$t": "multiindex",
                "tuples": self.encode(_list(obj), depth + 1),
                "names": self.encode(_list(obj.names), depth + 1),
            }
        if _isinstance(obj, pd.RangeIndex):
            return {"$t": "rangeindex", "v": [obj.start, obj.stop, obj.step], "name": self.encode(obj.name, depth + 1)}
        if _isinstance(obj, pd.Index):
            return {
                "$t": "index",
                "values": self._values(obj.to_numpy(), np, depth + 1),
                "dtype": _str(obj.dtype),
                "name": self.encode(obj.name, depth + 1),
            }
        if _isinstance(obj, pd.Series):
            return {
                "$t": "series",
                "values": self._values(obj.to_numpy(), np, depth + 1),
                "dtype": _str(obj.dtype),
                "index": self.encode(obj.index, depth + 1),
                "name": self.encode(obj.name, depth + 1),
            }
        if _isinstance(obj, pd.DataFrame):
            return {
                "$t": "dataframe",
                "columns": self.encode(obj.columns, depth + 1),
                "index": self.encode(obj.index, depth + 1),
                "data": [self._values(obj.iloc[:, i].to_numpy(), np, depth + 1) for i in _range(obj.shape[1])],
                "dtypes": [_str(d) for d in obj.dtypes],
            }
        return None


def encode(obj, register=None):
    return Encoder(register)(obj)


class Decoder:
    """Decode data from :func:`encode`; ``make_callable(ref, name)`` builds remote functions."""

    def __init__(self, make_callable=None, max_nodes: int = 2_000_000):
        self.make_callable = make_callable
        self.nodes = 0
        self.max_nodes = max_nodes

    def __call__(self, data):
        return self.decode(data, 0)

    def decode(self, d, depth: int):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > self.max_nodes:
            raise CodecError("value too deeply nested or too large")
        t = _type(d)
        if d is None or t in (_bool, _int, _float, _str):
            return d
        if t is not _dict or not _isinstance(d.get("$t"), _str):
            raise CodecError("malformed data")
        tag = d["$t"]
        method = _getattr(self, "_d_" + tag, None)
        if method is None:
            raise CodecError(f"unknown tag {tag!r}")
        return method(d, depth + 1)

    def _seq(self, d, depth):
        v = d.get("v")
        if _type(v) is not _list:
            raise CodecError("malformed sequence")
        return [self.decode(x, depth) for x in v]

    def _d_int(self, d, depth):
        return _int(_str(d["hex"]), 16)

    def _d_list(self, d, depth):
        return self._seq(d, depth)

    def _d_tuple(self, d, depth):
        return _tuple(self._seq(d, depth))

    def _d_set(self, d, depth):
        return _set(self._seq(d, depth))

    def _d_frozenset(self, d, depth):
        return _frozenset(self._seq(d, depth))

    def _d_dict(self, d, depth):
        out = {}
        for pair in d.get("v") or []:
            if _type(pair) is not _list or _len(pair) != 2:
                raise CodecError("malformed dict")
            out[self.decode(pair[0], depth)] = self.decode(pair[1], depth)
        return out

    def _d_complex(self, d, depth):
        re, im = d["v"]
        return _complex(_float(re), _float(im))

    def _d_bytes(self, d, depth):
        return _b64decode(_str(d["b64"]).encode())

    def _d_bytearray(self, d, depth):
        return _bytearray(self._d_bytes(d, depth))

    def _d_range(self, d, depth):
        a, b, c = (_int(x) for x in d["v"])
        return _range(a, b, c)

    def _d_slice(self, d, depth):
        a, b, c = self._seq(d, depth)
        return _slice(a, b, c)

    def _d_ellipsis(self, d, depth):
        return Ellipsis

    def _d_notimplemented(self, d, depth):
        return NotImplemented

    def _d_datetime(self, d, depth):
        return _datetime.fromisoformat(_str(d["iso"]))

    def _d_date(self, d, depth):
        return _date.fromisoformat(_str(d["iso"]))

    def _d_time(self, d, depth):
        return _time.fromisoformat(_str(d["iso"]))

    def _d_timedelta(self, d, depth):
        days, seconds, micro = (_int(x) for x in d["v"])
        return _timedelta(days=days, seconds=seconds, microseconds=micro)

    def _d_decimal(self, d, depth):
        return _Decimal(_str(d["v"]))

    def _d_fraction(self, d, depth):
        num, den = self._seq(d, depth)
        return _Fraction(_int(num), _int(den))

    def _d_module(self, d, depth):
        """One of the data libraries or a public course module, by name. Never the test kernel's
        own namespace (``__main__``), the grader's code, or any other module it has imported:
        a student's value must not stand in for a namespace the tests use."""
        name = _str(d["name"])
        if module_allowed(name):
            try:
                return _modules[name] if name in _modules else importlib.import_module(name)
            except Exception:  # noqa: BLE001
                pass
        return Opaque("module", name)

    def _d_type(self, d, depth):
        module, qualname = _str(d["module"]), _str(d["qualname"])
        if module.split(".")[0] not in ALLOWED_TYPE_MODULES:
            return Opaque("type", qualname)
        try:
            obj = importlib.import_module(module)
            for part in qualname.split("."):
                obj = _getattr(obj, part)
        except Exception:  # noqa: BLE001
            return Opaque("type", qualname)
        return obj if _isinstance(obj, _type) else Opaque("type", qualname)

    def _d_callable(self, d, depth):
        if self.make_callable is None:
            return Opaque("function", _str(d.get("name", "")))
        return self.make_callable(d, self)

    def _d_opaque(self, d, depth):
        return Opaque(_str(d.get("type", "object"))[:100], _str(d.get("repr", ""))[:200])

    # numpy
    def _dtype(self, text):
        import numpy as np

        dtype = np.dtype(_str(text))
        if not _array_ok(dtype):
            raise CodecError(f"unsupported array type {text!r}")
        return dtype

    def _d_ndarray(self, d, depth):
        import numpy as np

        dtype = self._dtype(d["dtype"])
        shape = _tuple(_int(x) for x in d["shape"])
        raw = _b64decode(_str(d["b64"]).encode())
        count = 1
        for n in shape:
            count *= n
        if count * dtype.itemsize != _len(raw):
            raise CodecError("array data does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def _d_ndarray_obj(self, d, depth):
        import numpy as np

        shape = _tuple(_int(x) for x in d["shape"])
        items = self._seq(d, depth)
        arr = np.empty(_len(items), dtype=object)
        for i, x in enumerate(items):
            arr[i] = x
        return arr.reshape(shape)

    def _d_npscalar(self, d, depth):
        import numpy as np

        dtype = self._dtype(d["dtype"])
        raw = _b64decode(_str(d["b64"]).encode())
        if _len(raw) != dtype.itemsize:
            raise CodecError("scalar data does not match its type")
        return np.frombuffer(raw, dtype=dtype)[0]

    def _d_npdtype(self, d, depth):
        return self._dtype(d["v"])

    # pandas
    def _d_nat(self, d, depth):
        import pandas as pd

        return pd.NaT

    def _d_pdna(self, d, depth):
        import pandas as pd

        return pd.NA

    def _d_timestamp(self, d, depth):
        import pandas as pd

        return pd.Timestamp(_str(d["iso"]))

    def _d_pdtimedelta(self, d, depth):
        import pandas as pd

        return pd.Timedelta(_int(d["ns"]), unit="ns")

    def _values(self, d, depth, dtype_text):
        import pandas as pd

        values = self.decode(d, depth)
        try:
            dtype = pd.api.types.pandas_dtype(_str(dtype_text))
        except Exception:  # noqa: BLE001
            dtype = None
        return values, dtype

    def _d_index(self, d, depth):
        import pandas as pd

        values, dtype = self._values(d["values"], depth, d.get("dtype", "object"))
        name = self.decode(d.get("name"), depth)
        try:
            return pd.Index(values, dtype=dtype, name=name)
        except Exception:  # noqa: BLE001
            return pd.Index(values, name=name)

    def _d_rangeindex(self, d, depth):
        import pandas as pd

        a, b, c = (_int(x) for x in d["v"])
        return pd.RangeIndex(a, b, c, name=self.decode(d.get("name"), depth))

    def _d_multiindex(self, d, depth):
        import pandas as pd

        tuples = self.decode(d["tuples"], depth)
        names = self.decode(d["names"], depth)
        return pd.MultiIndex.from_tuples(tuples, names=names)

    def _series(self, values, dtype, index=None, name=None):
        import pandas as pd

        try:
            return pd.Series(values, index=index, name=name, dtype=dtype)
        except Exception:  # noqa: BLE001
            return pd.Series(values, index=index, name=name)

    def _d_series(self, d, depth):
        values, dtype = self._values(d["values"], depth, d.get("dtype", "object"))
        index = self.decode(d["index"], depth)
        return self._series(values, dtype, index=index, name=self.decode(d.get("name"), depth))

    def _d_dataframe(self, d, depth):
        import pandas as pd

        columns = self.decode(d["columns"], depth)
        index = self.decode(d["index"], depth)
        data = d.get("data") or []
        dtypes = d.get("dtypes") or ["object"] * _len(data)
        if _len(dtypes) != _len(data):
            raise CodecError("malformed data frame")
        cols = []
        for values_data, dtype_text in zip(data, dtypes):
            values, dtype = self._values(values_data, depth, dtype_text)
            cols.append(self._series(values, dtype))
        if not cols:
            return pd.DataFrame(index=index, columns=columns)
        frame = pd.concat(cols, axis=1, ignore_index=True)
        frame.columns = columns
        frame.index = index
        return frame


def decode(data, make_callable=None):
    return Decoder(make_callable)(data)


def dumps(data) -> bytes:
    return _dumps(data, separators=(",", ":")).encode()


def loads(raw: bytes):
    return _loads(raw.decode())


__all__ = ["CodecError", "Encoder", "Decoder", "Opaque", "encode", "decode", "dumps", "loads"]
