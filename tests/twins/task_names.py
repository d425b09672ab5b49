import asyncio

async def job(n):
    await asyncio.sleep(n)
    return n * 10

async def main():
    first = asyncio.create_task(job(1))
    second = asyncio.create_task(job(2), name=f"named-{2}")
    third = asyncio.create_task(job(3))
    print(f"{first.get_name()} {second.get_name()} {third.get_name()}")
    polls = 0
    while not second.done():
        polls = polls + 1
        await asyncio.sleep(0.5)
    print(f"second done after {polls} polls: {second.result()}")
    r = await third
    assert r == 30, f"unexpected {r}"
    print(f"third returned {r}")
    assert first.result() == 11, f"first returned {first.result()}, not 11"

asyncio.run(main())
