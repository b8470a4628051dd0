namespace Calc;

public static class Pricing
{
    public static decimal Discount(decimal price, int quantity)
    {
        if (quantity >= 10 && price > 100)
        {
            return price * 0.9m;
        }
        return price;
    }

    public static string Describe(int quantity) => quantity switch
    {
        0 => "none",
        1 => "one",
        _ => "many",
    };

    public static int NeverCalled(int x)
    {
        return x * 2;
    }
}
