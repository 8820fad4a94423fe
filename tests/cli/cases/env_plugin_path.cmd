invoke fixture.echo text=hi
