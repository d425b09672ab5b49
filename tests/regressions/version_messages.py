# version_messages: exported by `asim export python tests/regressions/version_messages.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio

big = 10**30
d = {}
d1 = {1: 2}
s = set()
n0 = 0
n1 = 1
cases = [('1 // 0', lambda: 1 // 0), ('1 % 0', lambda: 1 % 0), ('divmod(1, 0)', lambda: divmod(1, 0)), ('1 / 0', lambda: 1 / 0), ('1.0 / 0', lambda: 1.0 / 0), ('1 / 0.0', lambda: 1 / 0.0), ('1.0 // 0', lambda: 1.0 // 0), ('1.0 % 0', lambda: 1.0 % 0), ('1 % 0.0', lambda: 1 % 0.0), ('divmod(1.0, 0)', lambda: divmod(1.0, 0)), ('big // 0', lambda: big // 0), ('big % 0', lambda: big % 0), ('big / 0', lambda: big / 0), ('big % 0.0', lambda: big % 0.0), ('0 ** -1', lambda: 0 ** -1), ('0.0 ** -1', lambda: 0.0 ** -1), ('0 ** -1.5', lambda: 0 ** -1.5), ('big * 0 ** -big', lambda: big * 0 ** -big), ('[1, 2].index(5)', lambda: [1, 2].index(5)), ("['a'].index('b')", lambda: ['a'].index('b')), ('(1, 2).index(5)', lambda: (1, 2).index(5)), ('[1].remove(5)', lambda: [1].remove(5)), ('max([])', lambda: max([])), ('min(())', lambda: min(())), ('max(x for x in [])', lambda: max(x for x in [])), ("min('')", lambda: min('')), ('max([], default=0)', lambda: max([], default=0)), ('hash([])', lambda: hash([])), ('hash(([],))', lambda: hash(([],))), ('{[]: 1}', lambda: {[]: 1}), ('{{}: 1}', lambda: {{}: 1}), ('{(1, [2]): 3}', lambda: {(1, [2]): 3}), ('{[]}', lambda: {[]}), ('{set()}', lambda: {set()}), ('{([],)}', lambda: {([],)}), ('set([[]])', lambda: set([[]])), ('dict([([], 1)])', lambda: dict([([], 1)])), ('d[[]]', lambda: d[[]]), ('d.get([])', lambda: d.get([])), ('d1.get([], 5)', lambda: d1.get([], 5)), ('[] in d', lambda: [] in d), ('([],) in d', lambda: ([],) in d), ('[] in s', lambda: [] in s), ('d.pop([], 1)', lambda: d.pop([], 1)), ('d1.pop([], 1)', lambda: d1.pop([], 1)), ('d.setdefault([])', lambda: d.setdefault([])), ('s.remove([])', lambda: s.remove([])), ('s.discard([])', lambda: s.discard([])), ('s.add(([1],))', lambda: s.add(([1],))), ('s.update([[]])', lambda: s.update([[]])), ('s.union([[]])', lambda: s.union([[]])), ('{1} - {[]}', lambda: {1} - {[]}), ('{x for x in [[1]]}', lambda: {x for x in [[1]]}), ('{x: 1 for x in [[1]]}', lambda: {x: 1 for x in [[1]]}), ('sorted({[1]})', lambda: sorted({[1]})), ('s.intersection([[]])', lambda: s.intersection([[]])), ('s.issubset([[]])', lambda: s.issubset([[]])), ('s.issuperset([[]])', lambda: s.issuperset([[]])), ('s.isdisjoint([[]])', lambda: s.isdisjoint([[]])), ('1 in 5', lambda: 1 in 5), ("'a' in 5", lambda: 'a' in 5), ('1 not in None', lambda: 1 not in None), ('[] in [[]]', lambda: [] in [[]]), ('asyncio.Barrier(n0)', lambda: asyncio.Barrier(n0)), ('asyncio.Barrier(-n1)', lambda: asyncio.Barrier(-n1))]


async def unpack(v):
    try:
        a, b = v
        print(f"unpack {type(v).__name__}: {a} {b}")
    except ValueError as e:
        print(f"unpack {type(v).__name__}: {e}")


async def main():
    for c in cases:
        try:
            r = c[1]()
            print(f"{c[0]} -> {r!r}")
        except Exception as e:
            print(f"{c[0]} !! {type(e).__name__}: {e}")
    for v in [[1, 2, 3], (1, 2, 3), 'abc', {1: 1, 2: 2, 3: 3}, {1, 2, 3}, range(3), [1] * 100, sorted('cba'), [1, 2]]:
        await unpack(v)
    try:
        for a, b in [(1, 2, 3)]:
            print(f"{a}")
    except ValueError as e:
        print(f"for: {e}")
    try:
        x = 5
        x %= 0.0
    except ZeroDivisionError as e:
        print(f"x %= 0.0: {e!r}")


asyncio.run(main())
