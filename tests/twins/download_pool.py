import asyncio

slots = asyncio.Semaphore(2)

async def download(url, seconds):
    async with slots:
        print(f"start {url}")
        await asyncio.sleep(seconds)
        print(f"done {url}")
    return len(url)

async def main():
    sizes = await asyncio.gather(
        download("a.example", 1),
        download("b.example", 2),
        download("c.example", 0.5),
    )
    print(f"sizes {sizes}")

asyncio.run(main())
