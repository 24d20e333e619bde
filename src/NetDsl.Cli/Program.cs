Console.WriteLine("netdsl");
