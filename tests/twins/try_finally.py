import asyncio

async def risky(x):
    try:
        if x == 0:
            raise ZeroDivisionError("x is zero")
        r = 10 // x
    except (KeyError, ZeroDivisionError) as e:
        print(f"caught {e!r}")
        return -1
    else:
        print(f"no error, r={r}")
    finally:
        print(f"finally for x={x}")
    return r

async def main():
    a = await risky(5)
    b = await risky(0)
    print(f"results {a} {b}")
    try:
        d = {"k": 1}
        print(f"{d['missing']}")
    except LookupError as e:
        print(f"lookup failed: {e!r} {e.args}")

asyncio.run(main())
