# asyncio_corners: exported by `asim export python tests/regressions/asyncio_corners.yaml`
import asyncio


async def w(x):
    await asyncio.sleep(0.1)
    return x


async def boom():
    await asyncio.sleep(0.2)
    raise KeyboardInterrupt


async def other():
    try:
        await asyncio.sleep(5)
    finally:
        print("other cleanup")


async def main():
    c = w(1)
    r = await asyncio.gather(c, c)
    print(f"{r}")
    d = w(2)
    await d
    t = asyncio.create_task(d)
    try:
        await t
    except RuntimeError as e:
        print(f"{e}")
    try:
        await asyncio.gather(w(3), 5)
    except TypeError as e:
        print(f"{e}")
    try:
        await asyncio.wait_for(w(4), 'x')
    except TypeError as e:
        print(f"{e}")
    asyncio.create_task(other())
    asyncio.create_task(boom())
    await asyncio.sleep(1)
    print("never")


asyncio.run(main())
