logout
