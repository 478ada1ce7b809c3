Console.WriteLine("mlobs");
