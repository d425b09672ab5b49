# assignment_errors: exported by `asim export python tests/regressions/assignment_errors.yaml`
import asyncio


async def f(xs):
    try:
        xs[10] = 1
    except IndexError as e:
        print(f"1 {e}")
    try:
        t = (1, 2)
        t[0] += 1
    except TypeError as e:
        print(f"2 {e}")
    try:
        a, b = 1
    except TypeError as e:
        print(f"3 {e}")
    try:
        a, *b, c = [1]
    except ValueError as e:
        print(f"4 {e}")
    try:
        d = {}
        d['k'] += 1
    except KeyError as e:
        print(f"5 {e!r}")
    try:
        del d['zz']
    except KeyError as e:
        print(f"6 {e!r}")
    try:
        xs[::2] = [1]
    except ValueError as e:
        print(f"7 {e}")
    try:
        xs['a':] = [1]
    except TypeError as e:
        print(f"8 {e}")
    try:
        n = None
        n += 1
    except TypeError as e:
        print(f"9 {e}")
    try:
        d[[1]] = 2
    except TypeError as e:
        print(f"10 {e}")
    try:
        del q
    except UnboundLocalError as e:
        print(f"11 {e}")
    (p, (q, r)), s = ([1, (2, 3)], 4)
    print(f"{p} {q} {r} {s}")
    xs[len(xs):] = range(3)
    xs[-1] **= 3
    print(f"{xs}")
    ys = xs
    xs += 'ab'
    print(f"{ys is xs} {ys}")
    s2 = 'a'
    s3 = s2
    s2 += 'b'
    print(f"{s2} {s3}")


async def main():
    await f([1, 2, 3])


asyncio.run(main())
